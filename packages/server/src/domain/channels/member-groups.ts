import { type Group, type GroupMember, MEMBER_LIST_LIMIT, ParleyError } from '@parley/protocol';
import type { ChannelRecord, Storage } from '../../ports/storage/index.js';
import { toGroup, toMember } from './group-service.js';

/**
 * Groups as their own members see them, in every mode. Only members may look: a group's name and
 * member list are its members' business (the same rule, and error, as reading its history).
 */
export class MemberGroups {
  constructor(private readonly storage: Storage) {}

  async get(uid: string, groupId: string): Promise<Group> {
    return toGroup(await this.requireMembership(uid, groupId));
  }

  /** The first MEMBER_LIST_LIMIT members to join: reading a large super group whole is not a member's call. */
  async members(uid: string, groupId: string): Promise<GroupMember[]> {
    const group = await this.requireMembership(uid, groupId);
    return (await this.storage.channels.members(group, MEMBER_LIST_LIMIT)).map(toMember);
  }

  /** The group, if `uid` is a member of it; a dismissed group stays readable, as its history does. */
  async requireMembership(uid: string, groupId: string): Promise<ChannelRecord> {
    const group = await this.storage.channels.findGroup(groupId);
    if (!group) throw new ParleyError('group.not_found', `No group "${groupId}"`);
    if (!(await this.storage.channels.member(group, uid))) {
      throw new ParleyError('conversation.forbidden', `You are not a member of "${groupId}"`);
    }
    return group;
  }
}

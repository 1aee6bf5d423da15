import {
  ChannelType,
  EventName,
  type Group,
  type GroupCreateBody,
  type GroupMember,
  type GroupUpdateBody,
  MemberRole,
  ParleyError,
} from '@parley/protocol';
import type { ChannelRecord, MemberRecord, Storage } from '../../ports/storage/index.js';
import { renderPush } from '../delivery/push-frame.js';
import type { DeliveryRouter } from '../delivery/router.js';
import type { UserService } from '../users/user-service.js';
import type { GroupWebhooks } from '../webhooks/group-events.js';

export const toGroup = (c: ChannelRecord): Group => ({
  groupId: c.channelId,
  channelType: c.channelType,
  name: c.name,
  ownerUid: c.ownerUid,
  allowHistory: c.allowHistory,
  banned: c.banned,
  muteAll: c.muteAll,
  dismissed: c.dismissed,
  memberCount: c.memberCount,
  createdAt: c.createdAt,
});

export const toMember = ({ uid, role, mutedUntil, joinedAt }: MemberRecord): GroupMember => ({ uid, role, mutedUntil, joinedAt });

/** Groups and super groups as the app's server manages them through the admin API. */
export class GroupService {
  constructor(
    private readonly storage: Storage,
    private readonly users: UserService,
    private readonly router: DeliveryRouter,
    /** Webhooks: the group events, written with each change. */
    private readonly webhooks?: GroupWebhooks,
  ) {}

  async create(body: GroupCreateBody): Promise<Group> {
    const members = [...new Set(body.members ?? [])].filter((uid) => uid !== body.ownerUid);
    await this.users.requireAll([body.ownerUid, ...members]);
    const key = { channelType: body.channelType, channelId: body.groupId };
    const group = { ...key, name: body.name ?? '', ownerUid: body.ownerUid, allowHistory: body.allowHistory ?? false };
    const created = await this.storage.channels.createGroup(group, members, Date.now(), this.webhooks?.created(group));
    if (!created) throw new ParleyError('group.already_exists', `Group "${body.groupId}" already exists`);
    this.announce(key.channelType, body.groupId, [body.ownerUid, ...members], true);
    return this.get(body.groupId);
  }

  async get(groupId: string): Promise<Group> {
    return toGroup(await this.find(groupId));
  }

  async update(groupId: string, patch: GroupUpdateBody): Promise<Group> {
    const group = await this.live(groupId);
    await this.storage.channels.update(group, patch, Date.now(), this.webhooks?.updated(group, patch));
    return this.get(groupId);
  }

  /** Sends are refused with ReasonDisband from now on; members keep their history. */
  async dismiss(groupId: string): Promise<Group> {
    const group = await this.live(groupId);
    await this.storage.channels.update(group, { dismissed: true }, Date.now(), this.webhooks?.updated(group, { dismissed: true }));
    return this.get(groupId);
  }

  async members(groupId: string): Promise<GroupMember[]> {
    const group = await this.find(groupId);
    return (await this.storage.channels.members(group)).map(toMember);
  }

  async addMembers(groupId: string, uids: readonly string[]): Promise<{ added: string[]; group: Group }> {
    const group = await this.live(groupId);
    await this.users.requireAll(uids);
    const added = await this.storage.channels.addMembers(group, uids, Date.now(), this.webhooks?.membersAdded(group));
    // group.maxSeq was read before the join: a seq at or below each newcomer's joinSeq.
    this.announce(group.channelType, groupId, added, true, group.maxSeq);
    return { added, group: await this.get(groupId) };
  }

  async removeMembers(groupId: string, uids: readonly string[]): Promise<{ removed: string[]; group: Group }> {
    const group = await this.find(groupId);
    if (uids.includes(group.ownerUid)) throw new ParleyError('group.owner_cannot_leave');
    const removed = await this.storage.channels.removeMembers(group, uids, this.webhooks?.membersRemoved(group));
    this.announce(group.channelType, groupId, removed, false);
    if (group.channelType === ChannelType.SuperGroup) await this.retireSuperGroupConversations(group, removed);
    return { removed, group: await this.get(groupId) };
  }

  async transferOwner(groupId: string, uid: string): Promise<Group> {
    const group = await this.live(groupId);
    await this.requireMember(group, uid);
    await this.storage.channels.transferOwner(group, uid, this.webhooks?.ownerTransferred(group, uid));
    return this.get(groupId);
  }

  async setAdmins(groupId: string, uids: readonly string[], isAdmin: boolean): Promise<GroupMember[]> {
    const group = await this.live(groupId);
    for (const uid of uids) await this.requireMember(group, uid);
    await this.storage.channels.setRole(
      group,
      uids,
      isAdmin ? MemberRole.Admin : MemberRole.Member,
      this.webhooks?.rolesSet(group, isAdmin),
    );
    return this.members(groupId);
  }

  async muteAll(groupId: string, muteAll: boolean): Promise<Group> {
    return this.update(groupId, { muteAll } as GroupUpdateBody);
  }

  async muteMember(groupId: string, uid: string, muted: boolean, durationSeconds?: number): Promise<GroupMember> {
    const group = await this.live(groupId);
    await this.requireMember(group, uid);
    const until = !muted ? 0 : durationSeconds ? Date.now() + durationSeconds * 1000 : -1;
    await this.storage.channels.setMemberMute(group, uid, until, this.webhooks?.memberMuted(group, uid, until));
    const member = await this.requireMember(group, uid);
    return { uid, role: member.role, mutedUntil: member.mutedUntil, joinedAt: member.joinedAt };
  }

  async setWhitelist(groupId: string, uids: readonly string[]): Promise<string[]> {
    const group = await this.live(groupId);
    await this.users.requireAll(uids);
    await this.storage.channels.setWhitelist(group, [...new Set(uids)], this.webhooks?.whitelistSet(group, uids));
    return this.storage.channels.whitelist(group);
  }

  async whitelist(groupId: string): Promise<string[]> {
    return this.storage.channels.whitelist(await this.find(groupId));
  }

  private async find(groupId: string): Promise<ChannelRecord> {
    const group = await this.storage.channels.findGroup(groupId);
    if (!group) throw new ParleyError('group.not_found', `No group "${groupId}"`);
    return group;
  }

  private async live(groupId: string): Promise<ChannelRecord> {
    const group = await this.find(groupId);
    if (group.dismissed) throw new ParleyError('group.dismissed');
    return group;
  }

  private async requireMember(group: ChannelRecord, uid: string) {
    const member = await this.storage.channels.member(group, uid);
    if (!member) throw new ParleyError('group.not_member', `"${uid}" is not a member of "${group.channelId}"`);
    return member;
  }

  /**
   * A super group's conversation is derived from membership, so leaving makes it vanish without a
   * row changing: hide (and unpin) each leaver's own row, which versions the change, so their sync
   * returns a tombstone and their devices hear `conversation.deleted`.
   */
  private async retireSuperGroupConversations(group: ChannelRecord, uids: readonly string[]): Promise<void> {
    const key = { channelType: group.channelType, channelId: group.channelId, conversationId: `super_team|${group.channelId}` };
    for (const uid of uids) {
      const { row, changed } = await this.storage.conversations.update(uid, key, { hiddenSeq: group.maxSeq, pinnedAt: 0 });
      if (changed)
        this.router.pushToUser(
          uid,
          renderPush(EventName.ConversationDeleted, { conversationId: key.conversationId, version: row.version }),
        );
    }
  }

  /**
   * Super-group delivery follows membership: the members' nodes (un)subscribe the group topic. A
   * joiner's node also hands over what the joiner may see after `afterSeq` that came before its
   * subscription held, so a member added here receives the next message wherever it is sent.
   */
  private announce(channelType: number, groupId: string, uids: readonly string[], joined: boolean, afterSeq?: number): void {
    if (channelType !== ChannelType.SuperGroup) return;
    for (const uid of uids)
      this.router.membershipChanged(uid, { channelType, channelId: groupId, joined, ...(afterSeq !== undefined && { afterSeq }) });
  }
}

import { randomInt } from 'node:crypto';
import {
  ChannelType,
  type DevGroupCreateBody,
  type Group,
  type GroupMembersAdded,
  Notice,
  type NoticePayload,
  ParleyError,
  ReasonCode,
} from '@parley/protocol';
import type { Logger } from 'pino';
import type { Storage } from '../../ports/storage/index.js';
import type { MessageService } from '../messages/message-service.js';
import type { UserService } from '../users/user-service.js';
import { type GroupService, toGroup } from './group-service.js';
import type { MemberGroups } from './member-groups.js';

export interface DevGroupsDeps {
  storage: Storage;
  users: UserService;
  groups: GroupService;
  memberGroups: MemberGroups;
  messages: MessageService;
  log: Logger;
}

const ID_ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';
/** Retries on the (about 1 in 2^51 per existing group) chance that a generated id is taken. */
const ID_ATTEMPTS = 5;

/** `g-` and 10 random base-36 characters: short, URL-safe, readable in a link. */
export function newGroupId(): string {
  let id = 'g-';
  for (let i = 0; i < 10; i++) id += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return id;
}

/**
 * What the web app lets its users do with groups in development mode, where no app server exists
 * to call the admin API: create a group, add people, leave. Like dev login, unknown uids become users.
 * Each action posts a notice as the acting user through the real send path, so the group moves up
 * (or appears) in every member's conversation list at once, with nothing unread.
 */
export class DevGroups {
  constructor(private readonly deps: DevGroupsDeps) {}

  async create(caller: string, body: DevGroupCreateBody): Promise<Group> {
    const members = [...new Set(body.members)].filter((uid) => uid !== caller);
    // Checked before creating users, so a taken id leaves no users behind; createGroup stays the real guard.
    if (body.groupId && (await this.deps.storage.channels.findGroup(body.groupId))) {
      throw new ParleyError('group.already_exists', `Group "${body.groupId}" already exists`);
    }
    await this.ensureUsers([caller, ...members]);
    const group = await this.createGroup(caller, body, members);
    await this.notice(caller, group, `${caller} created the group "${body.name || group.groupId}"`);
    return group;
  }

  async addMembers(caller: string, groupId: string, uids: readonly string[]): Promise<GroupMembersAdded> {
    const group = await this.deps.memberGroups.requireMembership(caller, groupId);
    // Refused before creating users; addMembers below checks again.
    if (group.dismissed) throw new ParleyError('group.dismissed');
    await this.ensureUsers(uids);
    const result = await this.deps.groups.addMembers(groupId, uids);
    // Adding only members already there changed nothing, so there is nothing to announce.
    if (result.added.length) await this.notice(caller, result.group, `${caller} added ${result.added.join(', ')}`);
    return result;
  }

  /**
   * The caller leaves: the notice goes first, while they may still send, so every member (the
   * leaver's other devices too) sees who left. The owner cannot leave, as with the admin API.
   */
  async leave(caller: string, groupId: string): Promise<Group> {
    const record = await this.deps.memberGroups.requireMembership(caller, groupId);
    if (record.ownerUid === caller) {
      throw new ParleyError('group.owner_cannot_leave', 'You own this group: its owner cannot leave it');
    }
    // A dismissed group refuses every send; leaving it is still allowed, silently.
    if (!record.dismissed) await this.notice(caller, toGroup(record), `${caller} left the group`);
    return (await this.deps.groups.removeMembers(groupId, [caller])).group;
  }

  private async createGroup(caller: string, body: DevGroupCreateBody, members: string[]): Promise<Group> {
    const create = (groupId: string) =>
      this.deps.groups.create({ groupId, channelType: ChannelType.Group, ownerUid: caller, name: body.name, members });
    if (body.groupId) return create(body.groupId);
    for (let attempt = 1; ; attempt++) {
      try {
        return await create(newGroupId());
      } catch (err) {
        if (!(err instanceof ParleyError && err.code === 'group.already_exists') || attempt === ID_ATTEMPTS) throw err;
      }
    }
  }

  /** Creates the uids that are not users yet, as dev login does (the reserved system uid is refused). */
  private async ensureUsers(uids: readonly string[]): Promise<void> {
    const unique = [...new Set(uids)];
    const found = new Set(await this.deps.storage.users.existing(unique));
    const missing = unique.filter((uid) => !found.has(uid));
    if (missing.length) await this.deps.users.upsertMany(missing.map((uid) => ({ uid })));
  }

  /**
   * Sent as the caller but trusted, i.e. past the rate limit: the server composes it, it is not the
   * user's own traffic. A refusal (say the caller is muted in the group) does not undo the change
   * it announces; it is logged.
   */
  private async notice(caller: string, group: Group, text: string): Promise<void> {
    const payload: NoticePayload = { type: Notice.contentType, kind: Notice.kind, text };
    const ack = await this.deps.messages.send(
      { uid: caller, trusted: true },
      {
        channelId: group.groupId,
        channelType: group.channelType as ChannelType,
        clientMsgNo: `notice-${this.deps.messages.newId()}`,
        payload,
        header: { redDot: false },
      },
    );
    if (ack.reasonCode !== ReasonCode.ReasonSuccess) {
      this.deps.log.warn({ groupId: group.groupId, caller, reasonCode: ack.reasonCode }, 'group notice refused');
    }
  }
}

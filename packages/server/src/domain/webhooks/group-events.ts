import type { GroupUpdateBody } from '@parley/protocol';
import type { ChannelKey, EventsOf, NewGroup } from '../../ports/storage/index.js';
import { channelOrderKey, type WebhookEvents } from './webhook-events.js';

/** The group events, each written with the change it reports, in the group's order. */
export class GroupWebhooks {
  constructor(private readonly events: WebhookEvents) {}

  /** `group.created`, with its members (the owner first). */
  created(group: NewGroup): EventsOf<readonly string[]> | undefined {
    return this.events.sink((members) => [
      this.event('group.created', group, {
        name: group.name,
        ownerUid: group.ownerUid,
        allowHistory: group.allowHistory,
        members,
      }),
    ]);
  }

  /** `group.updated` with the fields changed, or `group.dismissed`. */
  updated(key: ChannelKey, changes: GroupUpdateBody | { dismissed: true }): EventsOf<void> | undefined {
    if ('dismissed' in changes) return this.events.sink(() => [this.event('group.dismissed', key, {})]);
    return this.events.sink(() => [this.event('group.updated', key, { changes })]);
  }

  membersAdded(key: ChannelKey): EventsOf<readonly string[]> | undefined {
    return this.events.sink((uids) => [this.event('group.members_added', key, { uids })]);
  }

  membersRemoved(key: ChannelKey): EventsOf<readonly string[]> | undefined {
    return this.events.sink((uids) => [this.event('group.members_removed', key, { uids })]);
  }

  /** `group.owner_transferred`; the previous owner is an admin now. */
  ownerTransferred(key: ChannelKey, ownerUid: string): EventsOf<string> | undefined {
    return this.events.sink((previousOwnerUid) => [this.event('group.owner_transferred', key, { ownerUid, previousOwnerUid })]);
  }

  /** `group.roles_set`: the members made admins (role 'admin') or plain members again ('member'). */
  rolesSet(key: ChannelKey, isAdmin: boolean): EventsOf<readonly string[]> | undefined {
    return this.events.sink((uids) => [
      this.event('group.roles_set', key, { uids: [...new Set(uids)], role: isAdmin ? 'admin' : 'member' }),
    ]);
  }

  /** `group.member_muted`: a member's mute, `mutedUntil` as the member list shows it (0 not muted, -1 until unmuted). */
  memberMuted(key: ChannelKey, uid: string, mutedUntil: number): EventsOf<void> | undefined {
    return this.events.sink(() => [this.event('group.member_muted', key, { uid, mutedUntil })]);
  }

  /** `group.whitelist_set`: the whole whitelist as it is now (empty: everyone may speak again). */
  whitelistSet(key: ChannelKey, uids: readonly string[]): EventsOf<void> | undefined {
    return this.events.sink(() => [this.event('group.whitelist_set', key, { uids: [...new Set(uids)].sort() })]);
  }

  /** `group.retention_set`: the group's own retention in days (null: it follows the server's default, 0: forever). */
  retentionSet(key: ChannelKey, retentionDays: number | null): EventsOf<void> | undefined {
    return this.events.sink(() => [this.event('group.retention_set', key, { retentionDays })]);
  }

  private event(type: string, key: ChannelKey, data: object) {
    return this.events.event(type, channelOrderKey(key.channelType, key.channelId), {
      groupId: key.channelId,
      channelType: key.channelType,
      ...data,
    });
  }
}

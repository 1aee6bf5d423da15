import { type GroupRetention as GroupRetentionView, ParleyError } from '@parley/protocol';
import type { ChannelRecord, Storage } from '../../ports/storage/index.js';
import type { GroupWebhooks } from '../webhooks/group-events.js';

/**
 * A group's own retention, as the admin API sets it: `retentionDays` null follows the server's
 * default (PARLEY_RETENTION_DAYS), 0 keeps the group's messages forever whatever the default, and
 * a number of days keeps them that long. Person and system channels follow the default.
 */
export class GroupRetention {
  constructor(
    private readonly storage: Storage,
    private readonly defaultDays: number,
    private readonly webhooks: GroupWebhooks,
  ) {}

  async get(groupId: string): Promise<GroupRetentionView> {
    return this.view(await this.find(groupId));
  }

  /** Also for a dismissed group: its members keep its history, and its retention with it. */
  async set(groupId: string, retentionDays: number | null): Promise<GroupRetentionView> {
    const group = await this.find(groupId);
    if (!(await this.storage.retention.setDays(group, retentionDays, Date.now(), this.webhooks.retentionSet(group, retentionDays)))) {
      throw new ParleyError('group.not_found', `No group ${groupId}`);
    }
    return this.view({ ...group, retentionDays });
  }

  private async find(groupId: string): Promise<ChannelRecord> {
    const group = await this.storage.channels.findGroup(groupId);
    if (!group) throw new ParleyError('group.not_found', `No group ${groupId}`);
    return group;
  }

  private view(group: ChannelRecord): GroupRetentionView {
    return {
      groupId: group.channelId,
      retentionDays: group.retentionDays,
      defaultDays: this.defaultDays,
      effectiveDays: group.retentionDays ?? this.defaultDays,
    };
  }
}

import { ChannelType } from '@parley/protocol';
import {
  type ChannelKey,
  type ChannelRecord,
  channelRefKey,
  type ExpiryFloor,
  effectiveDays,
  NO_FLOOR,
  type RetentionPolicy,
  type Storage,
} from '../../ports/storage/index.js';

/**
 * Which messages have expired, as every read sees them (docs/operations.md, Retention): a message
 * whose timestamp is older than its channel's retention is gone for everyone at once, whether or not
 * the background job (retention-job.ts) has removed it yet. Reads ask for channels' expiry floors
 * (`RetentionStore.floors`) and treat every seq at or below one as never there: history starts
 * above it, lookups by id find nothing, unread does not count it and a conversation shows no last
 * message from it.
 *
 * Only groups have a setting of their own (the admin API's), so with no server default a person or
 * system channel has nothing expiring and needs no read: what the job removed while a default was
 * set, the stored conversation rows already account for (it moves them past it first).
 */
export class MessageExpiry {
  constructor(
    private readonly storage: Storage,
    /** PARLEY_RETENTION_DAYS: days kept where a group has no setting of its own; 0 keeps forever. */
    readonly defaultDays: number,
    /** The server's clock: expiry is measured against the time it gives. */
    private readonly clock: () => number = Date.now,
  ) {}

  policy(): RetentionPolicy {
    return { now: this.clock(), defaultDays: this.defaultDays };
  }

  /** Whether a channel of this type may have expired messages without a setting of its own. */
  private mayExpire(key: ChannelKey): boolean {
    return this.defaultDays > 0 || key.channelType === ChannelType.Group || key.channelType === ChannelType.SuperGroup;
  }

  /** The floors of `keys` in one read (none when no key may have one); a channel left out has none. */
  async floors(keys: readonly ChannelKey[]): Promise<(key: ChannelKey) => ExpiryFloor> {
    const asked = new Map<string, ChannelKey>();
    for (const key of keys) if (this.mayExpire(key)) asked.set(channelRefKey(key), key);
    if (!asked.size) return () => NO_FLOOR;
    const found = await this.storage.retention.floors([...asked.values()], this.policy());
    return (key) => found.get(channelRefKey(key)) ?? NO_FLOOR;
  }

  /**
   * The floor of `key` when it takes no read: none for a channel that cannot expire. Undefined when
   * it must be read (`floorOf`). The send path asks this first, so a 1:1 send with retention off
   * makes no promise for it.
   */
  knownFloor(key: ChannelKey): ExpiryFloor | undefined {
    return this.mayExpire(key) ? undefined : NO_FLOOR;
  }

  async floorOf(key: ChannelKey): Promise<ExpiryFloor> {
    return (await this.floors([key]))(key);
  }

  /**
   * The floor of a channel whose record the caller holds: its purge point, read from the record,
   * unless its messages expire, which takes the search.
   */
  async floorOfChannel(channel: ChannelRecord): Promise<ExpiryFloor> {
    if (effectiveDays(channel.retentionDays, this.policy()) === 0) return { seq: channel.purgedSeq, ord: channel.purgedOrd };
    return this.floorOf(channel);
  }
}

import type { ChannelKey } from './channels.js';
import type { EventsOf } from './webhook-outbox.js';

export const DAY_MS = 86_400_000;

/**
 * How far a first unread message may be from expiring and still be left to the plain unread sum
 * (`ConversationStore.unreadTotal`): timestamps follow seq order but for clock skew between nodes,
 * so a row is recounted exactly from a minute before its oldest unread message expires.
 */
export const EXPIRY_MARGIN_MS = 60_000;

/** What decides, at one moment, which messages have expired. */
export interface RetentionPolicy {
  /** The moment (ms, the caller's clock): a message expires once its timestamp is below now − days. */
  now: number;
  /** Days kept in channels without a setting of their own; 0 keeps them forever. */
  defaultDays: number;
}

/** The days a channel keeps its messages: its own setting, else the default. 0: forever. */
export const effectiveDays = (own: number | null, policy: RetentionPolicy): number => own ?? policy.defaultDays;

/** Messages with a timestamp below it have expired; undefined when none ever does. */
export const cutoffOf = (days: number, now: number): number | undefined => (days > 0 ? now - days * DAY_MS : undefined);

/**
 * Where a channel's expired messages end: every seq at or below `seq` has expired (or was removed
 * already), and `ord` counts the countable (redDot) messages up to it, so unread resumes there.
 */
export interface ExpiryFloor {
  seq: number;
  ord: number;
}

export const NO_FLOOR: ExpiryFloor = Object.freeze({ seq: 0, ord: 0 });

/** `floors` answers by this key. */
export const channelRefKey = (k: ChannelKey): string => `${k.channelType}|${k.channelId}`;

/**
 * What one `purgeStep` did: moved read positions up ('conversations'), removed messages
 * ('messages'), removed what was left of removed messages ('reactions', 'receipts', 'deletions':
 * one-way deletes), or found nothing to do ('done').
 */
export type PurgeStepKind = 'conversations' | 'messages' | 'reactions' | 'receipts' | 'deletions' | 'done';

/**
 * Message retention. A message has expired when its timestamp is below its channel's cutoff (now
 * minus the channel's effective days, see `effectiveDays`). Expiry is a prefix of the channel's log:
 * the expiry floor is found by a binary search on seq (as `MessageStateStore.seqBefore` does), so
 * with timestamps in seq order it is exactly the last expired message, and where clock skew between
 * nodes breaks that order, a message within the skew of the cutoff may expire a little early or late,
 * never out of order. Removal is a prefix too: `purgedSeq` (ChannelRecord) only grows, nothing above
 * it is ever removed, and every seq from `purgedSeq + 1` to `maxSeq` is stored.
 * - Every method is atomic, and safe to call from several nodes at once on one channel.
 * - Reads filter by the floor at read time (the domain does), so removal changes nothing anyone
 *   sees: it only frees the space, in bounded steps (`purgeStep`), each one short transaction.
 */
export interface RetentionStore {
  /**
   * Sets the channel's own retention: days (0 keeps its messages forever, whatever the default) or
   * null (it follows the default). False, changing nothing, when there is no such channel. `events`
   * (the webhook's `group.retention_set`) are written in the same transaction, only when it changed.
   */
  setDays(key: ChannelKey, days: number | null, now: number, events?: EventsOf<void>): Promise<boolean>;
  /**
   * The expiry floor of each existing channel among `keys`, by `channelRefKey` (unknown channels are
   * left out): the highest seq s whose message and all before it have expired as the binary search
   * finds it, never below purgedSeq; with its ordinal (purgedOrd when s = purgedSeq). A channel
   * keeping its messages forever answers {purgedSeq, purgedOrd}.
   */
  floors(keys: readonly ChannelKey[], policy: RetentionPolicy): Promise<Map<string, ExpiryFloor>>;
  /**
   * Looks at up to `scan` channels in key order (channelType, then channelId by code point) after
   * `after` (all from the start when undefined) and returns those with a message to remove (their
   * oldest remaining message, at purgedSeq + 1, has expired), in that order, and the last key looked
   * at (undefined once the end was reached). With a default of 0 days only channels with a setting
   * of their own above 0 are looked at.
   */
  dueChannels(
    after: ChannelKey | undefined,
    scan: number,
    policy: RetentionPolicy,
  ): Promise<{ due: ChannelKey[]; next: ChannelKey | undefined }>;
  /**
   * One bounded step of removing the channel's expired messages: one transaction that writes at most
   * `limit` rows (besides the channel's own); the caller repeats it until 'done'. With F the channel's
   * expiry floor, the first of these that has work does it:
   * 1. 'conversations': fan-out rows of the channel (not super groups) reading below min(F, lastSeq)
   *    move their read position up to it (readSeq, readOrd), keeping their version: expired messages
   *    are not unread, so what the rows show does not change; they only catch up with it before the
   *    messages go, so that no row ever reads from inside a removed range.
   * 2. 'messages': the messages in (purgedSeq, min(F, purgedSeq + limit)] are deleted, and purgedSeq,
   *    purgedOrd move to the last of them.
   * 3. 'reactions', 'receipts', 'deletions' (one-way deletes): rows at or below purgedSeq.
   * 4. 'done': none of these had anything (also for an unknown channel).
   * `rows` is what the step wrote; a step whose work another node did meanwhile reports fewer (0).
   */
  purgeStep(key: ChannelKey, policy: RetentionPolicy, limit: number): Promise<{ kind: PurgeStepKind; rows: number }>;
}

import type { ChannelKey } from './channels.js';
import type { ConversationRow } from './conversations.js';
import type { StoredMessage } from './messages.js';
import type { EventsOf } from './webhook-outbox.js';

/**
 * One emoji's reactions. A message's groups come in the order of each emoji's first reaction, each
 * group's uids in reaction order; reactions made at the same time are ordered by (emoji, uid).
 */
export interface ReactionGroup {
  emoji: string;
  /** In reaction order. */
  uids: string[];
}

/** What changes on a stored message after it was sent and is read back with it. */
export interface MessageAnnotations {
  reactions: ReactionGroup[];
  /** Members who reported reading it (receipt messages). */
  readCount: number;
}

export type MessageRef = ChannelKey & { seq: number };

/**
 * What happens to messages after they are stored: revoke, edit, reactions, receipts, and one
 * user's own deletions. Each method is atomic.
 * - `revoke` is idempotent; it raises the channel's revoke count and marks every fan-out row of
 *   the channel as possibly hiding counted messages; rows whose last message it is, or that had not
 *   read it, get a new version (returned). A super group's channel is stamped on the super-group clock.
 * - `deleteForUser` touches only the caller's rows: their conversation row gets a new version.
 * - Counts of hidden messages count a message once even if it is both revoked and deleted.
 * - Limits (`maxEdits`, `maxDistinct`) hold under concurrent calls on any number of nodes.
 * - `edit`, `react` and `addReceipts` expect stored messages: the caller reads them first.
 */
export interface MessageStateStore {
  /** The message with this id, or undefined. */
  byId(messageId: string): Promise<StoredMessage | undefined>;
  /**
   * Marks the message revoked (revokedAt = at, revoker) unless it is already: then, also when revokes
   * race, it changes nothing and returns the message as first revoked and no rows. The first revoke
   * raises the channel's revokeCount (a super group's channel also takes a tick of the super-group
   * clock), flags every fan-out row of the channel `mayHide`, and gives a new version to the rows
   * with lastSeq = seq, or lastSeq > seq and readSeq < seq, returned in no particular order.
   * Rejects when no message is stored at `ref`. `events` is called with the revoked message by the
   * first revoke only.
   */
  revoke(
    ref: MessageRef,
    revoker: string,
    at: number,
    events?: EventsOf<StoredMessage>,
  ): Promise<{ message: StoredMessage; conversations: ConversationRow[] }>;
  /**
   * Replaces the shown payload (editedPayloadJson, editedAt, editCount + 1); 'limit', changing
   * nothing, when `maxEdits` edits were made already. `events` is called with the edited message.
   */
  edit(
    ref: MessageRef,
    payloadJson: string,
    at: number,
    maxEdits: number,
    events?: EventsOf<StoredMessage>,
  ): Promise<StoredMessage | 'limit'>;
  /**
   * Adds (once, however often asked) or removes `uid`'s reaction and returns the message's reactions
   * after it; 'limit', changing nothing, when adding an emoji the message does not have yet while it
   * has `maxDistinct` distinct ones. An added reaction marks the message `annotated`. Reactions list
   * in the order they were added (emoji by their first reaction, uids within an emoji), also when
   * several come in one millisecond: each is stamped at least 1 ms after the message's newest one.
   */
  react(ref: MessageRef, uid: string, emoji: string, add: boolean, maxDistinct: number, at: number): Promise<ReactionGroup[] | 'limit'>;
  /**
   * Records `uid` as a reader of each message, once; returns the refs newly recorded, in the given
   * order, each once (racing calls report each receipt exactly once between them), and marks those
   * messages `annotated`.
   */
  addReceipts(uid: string, refs: readonly MessageRef[], at: number): Promise<MessageRef[]>;
  /** Every ref's reactions and reader count, by `refKey`; a ref with neither maps to `{ reactions: [], readCount: 0 }`. */
  annotations(refs: readonly MessageRef[]): Promise<Map<string, MessageAnnotations>>;
  /**
   * One-way delete of the given seqs for `uid` only (idempotent), then flags their conversation row
   * `mayHide` with a new version and returns it. The user's version is raised even when they have no
   * such row (undefined is returned then, as for a uid without a user record).
   */
  deleteForUser(uid: string, conversationId: string, key: ChannelKey, seqs: readonly number[]): Promise<ConversationRow | undefined>;
  /** The seqs in [fromSeq, toSeq] deleted for `uid`. */
  deletedSeqs(uid: string, key: ChannelKey, fromSeq: number, toSeq: number): Promise<Set<number>>;
  /** Countable messages in (afterSeq, toSeq] that are revoked or deleted for `uid`. */
  hiddenCountable(uid: string, key: ChannelKey, afterSeq: number, toSeq: number): Promise<number>;
  /** The newest stored seq in (floor, ceiling] not deleted for `uid` (a revoked one counts: it shows as revoked); 0 if none. */
  lastVisibleSeq(uid: string, key: ChannelKey, floor: number, ceiling: number): Promise<number>;
  /**
   * The messages of the channel in (floor, ceiling], not deleted for `uid`, revoked or edited after
   * `version` (their change time, max(revokedAt, editedAt), > version): ascending by change time,
   * then seq; at most `limit`, and besides those every further one with the last one's change time,
   * so a caller that goes on past the largest change time it got skips nothing.
   */
  changedSince(uid: string, key: ChannelKey, floor: number, ceiling: number, version: number, limit: number): Promise<StoredMessage[]>;
  /**
   * The last seq stored before `timestamp`: the seq s with ts(s) < timestamp <= ts(s + 1) (0 if the
   * first message is not before it, maxSeq if the last one is). Timestamps follow seq order but for
   * clock skew between nodes; where they do not, any such s is right (a binary search on seq finds one).
   * Seqs retention removed (at or below the channel's purgedSeq) count as before any timestamp.
   */
  seqBefore(key: ChannelKey, timestamp: number): Promise<number>;
}

export const refKey = (r: MessageRef): string => `${r.channelType}|${r.channelId}|${r.seq}`;

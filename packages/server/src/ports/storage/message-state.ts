import type { ChannelKey } from './channels.js';
import type { ConversationRow } from './conversations.js';
import type { StoredMessage } from './messages.js';

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
 */
export interface MessageStateStore {
  byId(messageId: string): Promise<StoredMessage | undefined>;
  revoke(ref: MessageRef, revoker: string, at: number): Promise<{ message: StoredMessage; conversations: ConversationRow[] }>;
  /** Replaces the shown payload; 'limit' when `maxEdits` edits were made already. */
  edit(ref: MessageRef, payloadJson: string, at: number, maxEdits: number): Promise<StoredMessage | 'limit'>;
  /** Adds or removes `uid`'s reaction; 'limit' when adding a new emoji beyond `maxDistinct`. */
  react(ref: MessageRef, uid: string, emoji: string, add: boolean, maxDistinct: number, at: number): Promise<ReactionGroup[] | 'limit'>;
  /** Records `uid` as a reader of each message (once); returns the messages newly read. */
  addReceipts(uid: string, refs: readonly MessageRef[], at: number): Promise<MessageRef[]>;
  annotations(refs: readonly MessageRef[]): Promise<Map<string, MessageAnnotations>>;
  /** One-way delete of the given seqs for `uid`; returns their conversation row (new version). */
  deleteForUser(uid: string, conversationId: string, key: ChannelKey, seqs: readonly number[]): Promise<ConversationRow | undefined>;
  deletedSeqs(uid: string, key: ChannelKey, fromSeq: number, toSeq: number): Promise<Set<number>>;
  /** Countable messages in (afterSeq, toSeq] that are revoked or deleted for `uid`. */
  hiddenCountable(uid: string, key: ChannelKey, afterSeq: number, toSeq: number): Promise<number>;
  /** The newest seq in (floor, ceiling] not deleted for `uid`; 0 if none. */
  lastVisibleSeq(uid: string, key: ChannelKey, floor: number, ceiling: number): Promise<number>;
  /** The last seq stored before `timestamp` (by seq order, whose timestamps do not decrease); 0 if none. */
  seqBefore(key: ChannelKey, timestamp: number): Promise<number>;
}

export const refKey = (r: MessageRef): string => `${r.channelType}|${r.channelId}|${r.seq}`;

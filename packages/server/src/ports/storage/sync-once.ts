import type { StoredMessage } from './messages.js';

/** A message sent with `header.syncOnce`, as it waits in a user's queue: it has no seq (0). */
export type QueuedMessage = Pick<
  StoredMessage,
  | 'channelType'
  | 'channelId'
  | 'messageId'
  | 'messageSeq'
  | 'timestamp'
  | 'clientMsgNo'
  | 'fromUid'
  | 'contentType'
  | 'payloadJson'
  | 'metaJson'
>;

export interface QueuedPage {
  /** Oldest first: in the order the messages were queued. */
  messages: QueuedMessage[];
  /** More messages wait for the user after this page. */
  hasMore: boolean;
}

/**
 * Per-user queues of "sync once" messages (WuKongIM's `header.syncOnce`: commands each recipient
 * gets once). They are outside the channel log: no seq, no channel, conversation or unread change.
 *
 * They are written by `MessageStore.commit` (a `NewMessage` with `syncOnce`), in the same
 * transaction as the message itself, so a message acked to its sender is always queued:
 * - One queue row per recipient with a user record: a 'users' fan-out's target uids, or a
 *   'members' fan-out's members as the commit reads them (no join point: a queue has no history).
 *   A 'none' fan-out (super group) is never committed as sync-once: the domain refuses it, since
 *   it would write a row per member (SPEC §5).
 * - `(fromUid, clientMsgNo)` is unique across channel messages and queued ones: a repeat is
 *   answered `duplicate` with the first ack (messageSeq 0) and queues nothing again, also after
 *   every recipient acknowledged it (the message record is kept for that).
 *
 * Rules of this port:
 * - `pending` answers a user's queue in queue order (commit order; two commits racing on several
 *   nodes may interleave), at most `limit` messages, and whether more wait; it removes nothing.
 * - `ack` removes the given messages from that user's queue only, and answers how many were
 *   there: acknowledging twice, an id never queued for them or another user's message is 0 for it.
 */
export interface SyncOnceStore {
  pending(uid: string, limit: number): Promise<QueuedPage>;
  ack(uid: string, messageIds: readonly string[]): Promise<number>;
}

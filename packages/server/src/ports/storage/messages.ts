import type { ChannelKey } from './channels.js';
import type { ConversationRow } from './conversations.js';
import type { EventsOf, MessageStored } from './webhook-outbox.js';

/** Who gets a per-user conversation row touched by a message (small channels fan out). */
export type Fanout =
  /** Person channel or system notice: exactly these users, each with their own view of the conversation id. */
  | { kind: 'users'; targets: ReadonlyArray<{ uid: string; conversationId: string }> }
  /** Group: every member row of the channel at commit time, all under one conversation id. */
  | { kind: 'members'; conversationId: string }
  /** Super group: nothing per member; only the sender's own read position moves. */
  | { kind: 'none'; conversationId: string };

export interface NewMessage extends ChannelKey {
  messageId: string;
  clientMsgNo: string;
  fromUid: string;
  timestamp: number;
  contentType: number;
  /** Serialized once by the domain; stored and served as is. */
  payloadJson: string;
  /** header, setting, reply, mentions, entities: serialized once. */
  metaJson: string;
  redDot: boolean;
  /** Uids the message mentions, and whether it mentions everyone. */
  mentionUids: readonly string[];
  mentionAll: boolean;
  fanout: Fanout;
  /**
   * `header.syncOnce`: not a channel message but one queued for each recipient (see SyncOnceStore);
   * it takes no seq and touches no channel or conversation. Never with a 'none' fan-out.
   */
  syncOnce?: boolean;
  /**
   * Webhooks: the events the message reports, written by its commit in the same transaction once its
   * seq and recipients are known; not called for a duplicate (nothing is stored).
   */
  events?: EventsOf<MessageStored>;
  /** Opens a stream (see MessageStreamStore): streamState STREAM_OPEN, streamAt = timestamp. Text messages only. */
  stream?: boolean;
}

export interface StoredAck {
  messageId: string;
  messageSeq: number;
  timestamp: number;
}

export type CommitResult =
  | {
      status: 'stored';
      ack: StoredAck;
      /**
       * The conversation rows of the message's channel as the batch left them, each with its
       * owner's new version, in no particular order (none for super groups: their members' order
       * is derived at read time). Messages of one channel in one batch share the list.
       */
      conversations: readonly ConversationRow[];
      /** A sync-once message: the uids it was queued for (its conversations are []). */
      recipients?: readonly string[];
    }
  /** (fromUid, clientMsgNo) was already stored: the first send's ack, nothing written. */
  | { status: 'duplicate'; ack: StoredAck };

export interface StoredMessage extends ChannelKey, StoredAck {
  clientMsgNo: string;
  fromUid: string;
  contentType: number;
  payloadJson: string;
  metaJson: string;
  redDot: boolean;
  /** 0 = not revoked. */
  revokedAt: number;
  revoker: string;
  /** 0 = never edited; editedPayloadJson is '' then. */
  editedAt: number;
  editCount: number;
  editedPayloadJson: string;
  /** It has (or had) reactions or read receipts: read its annotations with it. */
  annotated: boolean;
  /** Streamed messages (MessageStreamStore): STREAM_NONE (0), STREAM_OPEN or STREAM_ENDED. */
  streamState: number;
  /** The last chunk applied (0: none). */
  streamChunk: number;
  /** How the stream ended ('' while open or not a stream). */
  streamStatus: string;
  /** The stream's last activity: its start, last chunk or end (0: not a stream). */
  streamAt: number;
}

/**
 * The message log.
 * - `commit` runs the whole batch in ONE transaction: either every message of it is stored, with
 *   its conversation rows and versions, or none is (the caller then fails every send of the batch).
 * - Seqs are per channel, contiguous from 1, in commit order; within a batch, in array order. A
 *   failed or rolled back commit leaves no gap. Sync-once messages take none (messageSeq 0) and
 *   write only their queue rows (see SyncOnceStore), in the same transaction.
 * - `(fromUid, clientMsgNo)` is unique across all channels and restarts; a repeat within the same
 *   batch or of an earlier one is answered `duplicate` and writes nothing, also when two commits
 *   (or nodes) race with the same pair: exactly one stores it.
 * - Rows written per message do not depend on channel size for `fanout.kind = 'none'`.
 * - Commits and membership changes of one channel are serialized (both lock the channel row), so
 *   a 'members' fan-out reaches exactly the members whose `joinSeq` is below the message's seq.
 * - Per user, each changed conversation gets its own version, strictly increasing per user, and its own
 *   updateTime (sortTs), in the same order and at least 2 apart (see ConversationStore).
 * - Each channel counts its countable (redDot) messages: a message's ordinal is that count
 *   including itself, so unread between two positions is a subtraction.
 * - A batch touching super groups raises the database's super-group clock once and stamps it on
 *   those channels, in commit order.
 *
 * What a commit writes, per channel of the batch (a person channel's record is created by its first message):
 * - The channel: `maxSeq` and the countable count raised, `lastMessageAt` = the latest message time
 *   seen, its `allMentionSeq` (see SuperGroupView) = the seq of its last @all message, if the batch has one.
 * - 'users' and 'members' fan-outs: one conversation row per (owner, conversation id) touched, only for
 *   owners with a user record (no record: no row, no version). lastSeq and lastOrd take the message,
 *   sortTs moves up (never down); the sender's own row reads up to their message; mentionSeq moves to
 *   the message where it mentions the owner (by uid, or @all), never down; ext, pin and hiddenSeq stay
 *   (a deleted conversation shows again when lastSeq passes hiddenSeq). A 'members' fan-out keeps each
 *   member's row reading from their join point on (readSeq at least joinSeq, readOrd the ordinal at
 *   it) and, unless the group allows history, clearSeq at least joinSeq; a 'users' row starts at 0.
 * - 'none' (super groups): no row per member. The sender's own row reads up to the message and a
 *   member mentioned by uid gets mentionSeq on theirs (created if missing, only for members of the
 *   channel: nobody else gets a row), neither with a version nor an updateTime.
 */
export interface MessageStore {
  /** One result per message, in batch order; [] for an empty batch. */
  commit(batch: readonly NewMessage[]): Promise<CommitResult[]>;
  /** Messages with seq in [fromSeq, toSeq], ascending. */
  range(key: ChannelKey, fromSeq: number, toSeq: number): Promise<StoredMessage[]>;
  /** The message `fromUid` sent under `clientMsgNo`, in any channel, or undefined. */
  byClientMsgNo(fromUid: string, clientMsgNo: string): Promise<StoredMessage | undefined>;
  /** How many messages the channel has stored. */
  count(key: ChannelKey): Promise<number>;
  /**
   * Countable (redDot) messages of the channel up to and including `seq` (0 for seq 0, or a seq not
   * stored); for a seq retention removed (at or below the channel's purgedSeq), the channel's purgedOrd.
   */
  ordinalAt(key: ChannelKey, seq: number): Promise<number>;
  /** The messages at the given positions that exist, in no particular order. */
  bySeqs(refs: ReadonlyArray<ChannelKey & { seq: number }>): Promise<StoredMessage[]>;
}

import type { ChannelKey } from './channels.js';
import type { ConversationRow } from './conversations.js';

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
       * owner's new version (none for super groups: their members' order is derived at read time).
       */
      conversations: readonly ConversationRow[];
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
}

/**
 * The message log.
 * - `commit` runs the whole batch in ONE transaction: either every message of it is stored, with
 *   its conversation rows and versions, or none is (the caller then fails every send of the batch).
 * - Seqs are per channel, contiguous from 1, in commit order; within a batch, in array order.
 * - `(fromUid, clientMsgNo)` is unique across all channels and restarts; a repeat within the same
 *   batch or of an earlier one is answered `duplicate` and writes nothing.
 * - Rows written per message do not depend on channel size for `fanout.kind = 'none'`.
 * - Commits and membership changes of one channel are serialized (both lock the channel row), so
 *   a 'members' fan-out reaches exactly the members whose `joinSeq` is below the message's seq.
 * - Per user, each changed conversation gets its own version, strictly increasing per user, and its own
 *   updateTime (sortTs), in the same order and at least 2 apart (see ConversationStore).
 * - Each channel counts its countable (redDot) messages: a message's ordinal is that count
 *   including itself, so unread between two positions is a subtraction.
 * - A batch touching super groups raises the database's super-group clock once and stamps it on
 *   those channels, in commit order.
 */
export interface MessageStore {
  commit(batch: readonly NewMessage[]): Promise<CommitResult[]>;
  /** Messages with seq in [fromSeq, toSeq], ascending. */
  range(key: ChannelKey, fromSeq: number, toSeq: number): Promise<StoredMessage[]>;
  byClientMsgNo(fromUid: string, clientMsgNo: string): Promise<StoredMessage | undefined>;
  /** How many messages the channel has stored. */
  count(key: ChannelKey): Promise<number>;
  /** Countable (redDot) messages of the channel up to and including `seq` (0 for seq 0). */
  ordinalAt(key: ChannelKey, seq: number): Promise<number>;
  /** The messages at the given positions that exist, in no particular order. */
  bySeqs(refs: ReadonlyArray<ChannelKey & { seq: number }>): Promise<StoredMessage[]>;
}

import type { ChannelKey, MemberRecord } from './channels.js';
import type { ConversationRow } from './conversations.js';
import type { MessageRef } from './message-state.js';
import type { StoredMessage } from './messages.js';
import type { QueuedMessage } from './sync-once.js';

/** A group `uid` belongs to, with their member record in it. */
export type Membership = ChannelKey & MemberRecord;

/** A reaction `uid` made. */
export interface UserReaction extends MessageRef {
  emoji: string;
  createdAt: number;
}

/** Where the keyset of `UserDataStore.reactions` stands: the last reaction of the previous page. */
export type ReactionCursor = MessageRef & { emoji: string };

/** A user's erasure, kept after it finished: tokens issued up to `erasedAt` stay refused. */
export interface ErasureRecord {
  uid: string;
  /** When the last erasure of this uid began (ms): tokens issued at or before it are refused. */
  erasedAt: number;
  /** When it finished; 0 while it has not (it was interrupted, or runs now). */
  finishedAt: number;
}

/** What an erased message is stored as (the domain decides the placeholder; the store writes it). */
export interface ErasedMessage extends MessageRef {
  contentType: number;
  payloadJson: string;
  metaJson: string;
}

/**
 * A user's data as a whole: read page by page for an export, and erased in bounded steps.
 *
 * Reading (exports). Every read is one keyset page: at most `limit` records after the cursor, in
 * the order stated, so a user with millions of records is read with memory bounded by the page.
 *
 * Erasing. Each method is one short transaction over at most the number of records it is given
 * or allowed, never one over everything of the user (no long lock): the domain calls them in a
 * loop. Every step is idempotent, and an interrupted erasure is finished by running the steps
 * again from the start (steps that are done find nothing left). What stays of an erased user is
 * the erasure record and their uid where others' data names it: as the sender of their erased
 * placeholders, in person channels' ids and in others' conversation ids, as revoker or mentioned.
 * Calls for a uid without data answer empty and change nothing.
 */
export interface UserDataStore {
  /**
   * Channel messages `uid` sent that are not erased, by clientMsgNo (code point order), those
   * after `afterClientMsgNo` ('' = from the first): the sender's unique index is the keyset.
   */
  sentMessages(uid: string, afterClientMsgNo: string, limit: number): Promise<StoredMessage[]>;
  /** Sync-once messages `uid` sent (see SyncOnceStore) that are still stored, in the same order and paging. */
  sentOnce(uid: string, afterClientMsgNo: string, limit: number): Promise<QueuedMessage[]>;
  /** `uid`'s conversation rows of every channel type, listed or not, by conversation id after `afterConversationId`. */
  conversations(uid: string, afterConversationId: string, limit: number): Promise<ConversationRow[]>;
  /** The groups and super groups `uid` is a member of, by (channelType, channelId) after `after`. */
  memberships(uid: string, after: ChannelKey | undefined, limit: number): Promise<Membership[]>;
  /** The reactions `uid` made, by (channelType, channelId, seq, emoji) after `after`. */
  reactions(uid: string, after: ReactionCursor | undefined, limit: number): Promise<UserReaction[]>;

  /** The uid's erasure record, or undefined if it was never erased. */
  erasure(uid: string): Promise<ErasureRecord | undefined>;
  /**
   * Starts (or restarts) the erasure of `uid`, atomically: the erasure record gets erasedAt = `at`
   * and finishedAt = 0, and the user record is deleted (with its version counter: the uid has no
   * conversation version from now on). Returns the record.
   */
  beginErasure(uid: string, at: number): Promise<ErasureRecord>;
  /**
   * Deletes at most `limit` of the records that are `uid`'s alone, and answers how many it deleted
   * (0: none is left): their conversation rows, one-way deletes, reactions, read receipts, sync-once
   * queue entries, blacklist entries both ways (theirs, and others' of them), whitelist entries,
   * and their system channel (type 4, id = uid) with its messages.
   */
  removeOwnRows(uid: string, limit: number): Promise<number>;
  /**
   * Takes `uid` out of at most `limit` of their groups, each as `ChannelStore.removeMembers` does
   * (serialized with the channel's commits, memberCount kept). Of a group they own, ownership
   * first passes to the earliest-joined admin, else the earliest-joined member, else to nobody
   * (ownerUid ''). Returns the groups left, with the new owner where it changed.
   */
  leaveGroups(uid: string, limit: number): Promise<Array<ChannelKey & { newOwnerUid?: string }>>;
  /**
   * Replaces each named message, if `uid` sent it and it is not erased yet, by its placeholder, in
   * one transaction: contentType, payload and meta as given, edits gone (editedAt 0, no edited
   * payload, editCount 0), and clientMsgNo = U+0001 followed by the messageId, a value no client
   * may send: the sender's pairs are free again and hold nothing of theirs. Seq, id, timestamp,
   * sender, countability and revoke stay, so others' history keeps its seqs and unread its counts.
   * Conversation rows showing one of them as their last message (1:1 and groups) get a new version
   * (as a revoke gives it, see MessageStateStore.revoke), returned; a super group whose last
   * message it is takes a tick of the super-group clock. Each channel is remembered for
   * `scrubReplies`, from the lowest seq erased in it.
   */
  eraseSent(uid: string, messages: readonly ErasedMessage[]): Promise<ConversationRow[]>;
  /** Deletes at most `limit` sync-once messages `uid` sent, with their queue entries; answers how many (0: none left). */
  eraseSentOnce(uid: string, limit: number): Promise<number>;
  /**
   * One step of removing quotes of `uid` from replies: in the first channel `eraseSent` remembered,
   * over at most `maxSeqs` seqs from where the last step stopped, every message whose `reply` names
   * `uid` as the sender loses the reply's `preview` (the rest of the reply stays). A channel is
   * forgotten once its last seq is passed. Answers whether any channel is left.
   */
  scrubReplies(uid: string, maxSeqs: number): Promise<boolean>;
  /** Marks the erasure finished at `at` (no-op without a record). */
  finishErasure(uid: string, at: number): Promise<void>;
}

/** The clientMsgNo an erased message is stored under: a control character no client can send, then its id. */
export const erasedClientMsgNo = (messageId: string): string => `\u0001${messageId}`;

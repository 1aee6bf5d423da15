import type { ChannelKey } from './channels.js';
import type { StoredMessage } from './messages.js';
import type { RetentionPolicy } from './retention.js';
import type { SearchTerm } from './search-text.js';

/** A backend's position in its search order, opaque to the domain (it travels in the cursor). */
export type SearchPosition = readonly (string | number)[];

export interface MessageSearchQuery {
  /** Whose messages: only what this user may read now is ever returned. */
  uid: string;
  /** Every term must match (`searchTerms` of the query text); never empty. */
  terms: readonly SearchTerm[];
  /** Only this channel (internal key: both uids for a person channel). */
  channel?: ChannelKey;
  fromUid?: string;
  /** Only messages with a timestamp below `before` and above `after` (ms, exclusive). */
  before?: number;
  after?: number;
  limit: number;
  /** Continue after this position (as a page's `next` gave it). */
  from?: SearchPosition;
  /** Retention: messages expired under it are never returned. */
  policy: RetentionPolicy;
}

export interface MessageSearchPage {
  /** Newest first (in the backend's order of storing: timestamp, or commit order). */
  messages: StoredMessage[];
  /** Where the next page starts; undefined when this page is the last one. */
  next?: SearchPosition;
}

export interface ConversationMatch {
  channelType: 1 | 2 | 3 | 4;
  /** Internal channel id (both uids for a person channel). */
  channelId: string;
  /** The group's name, or the peer's user name ('' when none). */
  name: string;
}

/**
 * Full-text search over messages, and the conversation list's search box. Rules:
 * - The index is written in the transaction that writes the message, follows its edits (the
 *   current text is searched) and forgets it when it is revoked, removed by retention or erased.
 *   Text is a text message's content and a file's (image's, voice's, video's) name, cut into tokens
 *   by `search-text.ts`, the same on every backend.
 * - `messages` returns only what `uid` may read now, decided inside the query before the limit (never
 *   filtered afterwards, so pages are full while more exists and nothing unreadable leaks): channels
 *   they belong to (a group's former members keep what they saw, up to where they left), above their
 *   clear point, their join point (unless the group shows history to newcomers) and retention's
 *   cutoff, not revoked, not deleted by them one-way.
 * - Paging by `next` neither skips nor repeats a message that matched throughout.
 * - `messages` answers `'bad_position'` for a position this backend never gave out.
 */
export interface SearchStore {
  messages(query: MessageSearchQuery): Promise<MessageSearchPage | 'bad_position'>;
  /**
   * The caller's listed conversations whose peer uid or group id starts with `text` (ASCII case
   * folded), or whose name (group name, peer's user name) contains it, case-insensitively; at most
   * `limit`, most recent first. Reads the caller's own conversations only.
   */
  conversations(uid: string, text: string, limit: number): Promise<ConversationMatch[]>;
}

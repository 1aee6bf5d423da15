import type { ChannelKey, ChannelRecord } from './channels.js';
import type { StoredMessage } from './messages.js';
import type { RetentionPolicy } from './retention.js';
import type { EventsOf } from './webhook-outbox.js';

/**
 * One user's own state of one conversation. For 1:1 chats and groups the send path keeps the
 * whole row current (fan-out); for super groups only the fields the user changes live here and
 * order, last message and unread are derived from the channel at read time.
 */
export interface ConversationRow extends ChannelKey {
  uid: string;
  /** As the owner names it: `p2p|bob`, `team|g1`, `super_team|g2`. */
  conversationId: string;
  /** updateTime: the last message's time, or of the last ext/pin change while there is none. */
  sortTs: number;
  lastSeq: number;
  /** Countable (redDot) messages in the channel up to lastSeq. */
  lastOrd: number;
  readSeq: number;
  /** Countable messages up to readSeq: unread = lastOrd - readOrd. */
  readOrd: number;
  /** Deleted conversation: hidden while lastSeq <= hiddenSeq (-1 = not deleted). */
  hiddenSeq: number;
  /** One-way clear: nothing at or below clearSeq is visible to the owner. */
  clearSeq: number;
  /** Highest seq of a message that mentions the owner by uid (or @all, in groups). */
  mentionSeq: number;
  ext: string;
  /** 0 = not pinned. */
  pinnedAt: number;
  version: number;
  /** A revoke or a one-way delete may hide counted messages: unread must be recounted exactly. */
  mayHide: boolean;
  /** Do not disturb until this time (ms; 0 = not muted, MUTED_FOREVER = no end). Expiry is read-time: nothing runs at it. */
  mutedUntil: number;
  /**
   * Archived (out of the default list). A fan-out row's flag is cleared by the commit of a new
   * message unless the row is muted then (Telegram's rule); a super group member's row is not
   * written per message, so there it is derived at read time from `archivedSeq` (see fromSuperGroup).
   */
  archived: boolean;
  /** The conversation's lastSeq when it was archived. */
  archivedSeq: number;
  /** The owner's labels on it, sorted, no duplicates. */
  labels: string[];
  /** The owner's unsent draft; none while draftAt <= 0 (a send by the owner clears it). */
  draftText: string;
  draftExt: string;
  draftAt: number;
}

/** `mutedUntil` of a mute with no end. */
export const MUTED_FOREVER = Number.MAX_SAFE_INTEGER;

/**
 * Whether a fan-out row is listed (`page`, `unreadTotal`): not deleted, or a message came after the
 * delete (lastSeq > hiddenSeq), and holding a message or an updateTime of its own (an ext or pin set
 * with `sortTsIfEmpty`). The rule's one definition: the domain applies it to rows it reads, adapters
 * filter by it (SQL adapters through `LISTED_SQL`, adapters/storage/conversation-rules.ts).
 */
export const isListedRow = (row: Pick<ConversationRow, 'lastSeq' | 'hiddenSeq' | 'sortTs'>): boolean =>
  row.lastSeq > row.hiddenSeq && (row.lastSeq > 0 || row.sortTs > 0);

/** A super group as one member sees it: the shared channel state and the member's own state. */
export interface SuperGroupView {
  channel: ChannelRecord & { redCount: number; allMentionSeq: number; superGroupClock: number; revokeCount: number };
  joinSeq: number;
  /** Countable messages up to joinSeq (`MessageStore.ordinalAt` at it: purgedOrd where retention removed it). */
  joinOrd: number;
  row: ConversationRow | undefined;
}

/** What `ConversationStore.update` may change; fields left out stay as they are. */
export interface ConversationPatch {
  /** Replaces ext. */
  ext?: string;
  /** Replaces pinnedAt (0 unpins). */
  pinnedAt?: number;
  /** Moves the read position forward only, seq and ord together; one not above readSeq is ignored. */
  read?: { seq: number; ord: number };
  /** Replaces hiddenSeq (deleting a conversation hides it up to its lastSeq; -1 shows it again). */
  hiddenSeq?: number;
  /** Raises clearSeq; a lower one is ignored (a clear is one-way). */
  clearSeq?: number;
  /**
   * updateTime for a conversation with no message yet (ext or pin just created it); ignored once the
   * row has a message. Spaced like every updateTime (see ConversationStore).
   */
  sortTsIfEmpty?: number;
  /** Replaces mutedUntil (0 unmutes). */
  mutedUntil?: number;
  /** Archives (with the lastSeq it is archived at) or unarchives. */
  archive?: { archived: boolean; seq: number };
  /** Adds, then removes, label names (the row keeps them sorted and unique). */
  labels?: { add: readonly string[]; remove: readonly string[] };
  /** Replaces the draft; an empty text clears it (ext and time with it). */
  draft?: { text: string; ext: string; at: number };
}

export interface ListQuery {
  /** Keyset: only entries after this one in (sortTs desc, conversationId asc) order. */
  after?: { sortTs: number; conversationId: string };
  /** Only entries with sortTs above it (exclusive). */
  minTs?: number;
  /** Only archived (true) or only not archived (false, the default) rows. */
  archived?: boolean;
  /** Only rows carrying this label (through the label index, same order). */
  label?: string;
  /** Only entries with sortTs below it (exclusive). */
  maxTs?: number;
  limit: number;
}

export interface SyncClock {
  /** The user's change counter. */
  version: number;
  /** The database-wide super-group clock (raised by every commit that touches a super group). */
  superGroupClock: number;
  /** Changes when the data the versions refer to is replaced (restore, reset). */
  epoch: string;
}

/**
 * Per-user conversation state.
 * - `update` is atomic: it applies the patch and, only if the row changed, raises the user's
 *   version and stamps it on the row; it creates the row when missing.
 * - `page` returns fan-out rows (not super groups) that are visible (lastSeq > hiddenSeq, and
 *   a message or an explicit ext/pin: `isListedRow`), in (sortTs desc, conversationId asc) order.
 * - `changedSince` returns every row with version > v, in version order, hidden ones included.
 * - Every write that sets a row's `sortTs` (a message's fan-out, or `sortTsIfEmpty`) gives it the
 *   wanted time or, if that is not 2 above the owner's last one, their last one plus 2, and records
 *   it as their last: a user's fan-out rows never share an updateTime nor sit 1 ms apart, so NIM's
 *   timestamp windows (`maxTimestamp` = the page's oldest, or that minus 1) page without skipping.
 * - Reading `clock` before `changedSince` never misses a change (versions are raised in commit order
 *   per user, and the super-group clock in commit order for the whole database).
 * - A version names one change of one row: two changes (commits, updates, revokes, deletes, on any
 *   node) never get the same version of one user, and the row keeps the latest change's version.
 * - A super group member's own row has the conversation id `super_team|<channelId>`: that is the row
 *   a commit and `superGroups` read and write for them.
 */
export interface ConversationStore {
  /** The user's listed fan-out rows, at most `query.limit`, filtered and ordered as `query` says. */
  page(uid: string, query: ListQuery): Promise<ConversationRow[]>;
  /**
   * `page`, with the stored message at each of its rows' `lastSeq` where there is one (in no
   * particular order), read at the same moment (one round trip on a networked store): what a list
   * usually shows as the last message, so that it needs no second read.
   */
  pageWithLastMessages(uid: string, query: ListQuery): Promise<{ rows: ConversationRow[]; lastMessages: StoredMessage[] }>;
  /**
   * One view per super group `uid` is a member of, in no particular order: the channel with its
   * counters, the member's joinSeq and the channel's ordinal at it, and their own row if they have one.
   */
  superGroups(uid: string): Promise<SuperGroupView[]>;
  /** The row, of any channel type, listed or not; undefined if the user has none. */
  get(uid: string, conversationId: string): Promise<ConversationRow | undefined>;
  /**
   * Applies `patch` (see ConversationPatch) to the row, creating it with `key`'s channel when missing.
   * `changed` says whether any field moved; only then is the owner's version raised onto the row (a
   * uid without a user record has no version: the row is written and keeps its version).
   * `events` is called with the row as written, only when it changed.
   */
  update(
    uid: string,
    key: ChannelKey & { conversationId: string },
    patch: ConversationPatch,
    events?: EventsOf<ConversationRow>,
  ): Promise<{ row: ConversationRow; changed: boolean }>;
  /** At most `limit` rows with version > `version`, in version order, listed or not. */
  changedSince(uid: string, version: number, limit: number): Promise<ConversationRow[]>;
  /**
   * The user's version (0 for an unknown uid), the super-group clock, and the data's epoch: a
   * non-empty string that stays the same while the data does (across restarts and nodes).
   */
  clock(uid: string): Promise<SyncClock>;
  /**
   * `clock` and `changedSince` read at one moment (one round trip on a networked store): every row
   * changed up to the clock's version is there, up to `limit`, and none past it. `lastMessages`
   * holds, from the same moment, the stored message at each of those rows' `lastSeq` where there
   * is one (in no particular order): what `conversation.sync` usually shows as the last message,
   * so that it needs no second read.
   */
  changesWithClock(
    uid: string,
    version: number,
    limit: number,
  ): Promise<{ clock: SyncClock; rows: ConversationRow[]; lastMessages: StoredMessage[] }>;
  /** Every pinned row of the user, of any channel type, visible or not (at most maxPinned), in no particular order. */
  pinned(uid: string): Promise<ConversationRow[]>;
  /**
   * Unread over the user's listed fan-out conversations: `plain` sums max(lastOrd - readOrd, 0) over
   * the rows without `mayHide`; `recount` are the rows with it, in no particular order, for the caller
   * to count exactly. Read as of one moment: no row is in both, none is missed.
   * `plainMuted` is the part of `plain` from rows muted at `mutedAt` (mutedUntil > mutedAt; default: now).
   * Retention: rows with unread (lastOrd > readOrd) that may count expired or removed messages are
   * recounted too: those reading below their channel's purgedSeq and, under `retention`, those whose
   * oldest unread message still stored (at max(readSeq, purgedSeq) + 1) is below their channel's
   * cutoff plus EXPIRY_MARGIN_MS. Without `retention` nothing else counts as expired.
   */
  unreadTotal(
    uid: string,
    retention?: RetentionPolicy,
    mutedAt?: number,
  ): Promise<{ plain: number; plainMuted: number; recount: ConversationRow[] }>;
  /**
   * Every row of the user that carries at least one label, of any channel type, listed or not, in no
   * particular order: read through the label index, so the cost is the user's labelled rows, not all.
   */
  labelled(uid: string): Promise<ConversationRow[]>;
}

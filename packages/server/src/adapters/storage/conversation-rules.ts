import type { ConversationPatch, ConversationRow } from '../../ports/storage/index.js';
import { nextSortTs } from './fanout-plan.js';

/**
 * `ConversationStore.update`'s rules, written once for every adapter (the ports state them; this is
 * their dialect-free implementation). An adapter reads the row (created empty if missing) inside its
 * transaction, asks `applyConversationPatch`, and only when that reports a change raises the owner's
 * version and asks `stampChangedRow`.
 */

/** The row with `patch` applied, and whether any field differs from `row`. */
export function applyConversationPatch(row: ConversationRow, patch: ConversationPatch): { next: ConversationRow; changed: boolean } {
  const next = { ...row };
  if (patch.ext !== undefined) next.ext = patch.ext;
  if (patch.pinnedAt !== undefined) next.pinnedAt = patch.pinnedAt;
  // The read position moves forward only, its seq and ordinal together.
  if (patch.read && patch.read.seq > row.readSeq) {
    next.readSeq = patch.read.seq;
    next.readOrd = patch.read.ord;
  }
  if (patch.hiddenSeq !== undefined) next.hiddenSeq = patch.hiddenSeq;
  // A clear is one-way: clearSeq only grows.
  if (patch.clearSeq !== undefined) next.clearSeq = Math.max(row.clearSeq, patch.clearSeq);
  if (patch.sortTsIfEmpty !== undefined && row.lastSeq === 0) next.sortTs = patch.sortTsIfEmpty;
  const changed = (Object.keys(next) as Array<keyof ConversationRow>).some((k) => next[k] !== row[k]);
  return { next, changed };
}

/**
 * Gives a changed row (`next`, from `applyConversationPatch`) its owner's new version and, when its
 * updateTime moved, an updateTime spaced from the owner's last one (`nextSortTs`). `owner` is the
 * owner's version counter after the raise and their last updateTime before this write; undefined when
 * the uid has no user record, and then the row keeps its version and the wanted time. Returns the
 * owner's new last updateTime when the adapter must record it.
 */
export function stampChangedRow(
  row: ConversationRow,
  next: ConversationRow,
  owner: { version: number; lastSortTs: number } | undefined,
): number | undefined {
  next.version = owner?.version ?? row.version;
  if (!owner || next.sortTs === row.sortTs) return undefined;
  next.sortTs = nextSortTs(next.sortTs, owner.lastSortTs);
  return next.sortTs;
}

/**
 * `isListedRow` (ports/storage/conversations.ts) over the `conversations` table of rows.ts, for the
 * SQL adapters' `page` and `unreadTotal`: the same rule, kept next to its definition's name.
 */
export const LISTED_SQL = 'last_seq > hidden_seq AND (last_seq > 0 OR sort_ts > 0)';

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
  if (patch.mutedUntil !== undefined) next.mutedUntil = patch.mutedUntil;
  if (patch.archive && patch.archive.archived !== row.archived) {
    next.archived = patch.archive.archived;
    next.archivedSeq = patch.archive.archived ? patch.archive.seq : 0;
  }
  if (patch.labels) next.labels = nextLabels(row.labels, patch.labels);
  if (patch.draft) {
    // An empty text clears the draft whole; a draft that did not change keeps its time.
    const cleared = patch.draft.text === '';
    if (cleared && row.draftAt > 0) Object.assign(next, { draftText: '', draftExt: '', draftAt: 0 });
    else if (!cleared && (patch.draft.text !== row.draftText || patch.draft.ext !== row.draftExt || row.draftAt <= 0))
      Object.assign(next, { draftText: patch.draft.text, draftExt: patch.draft.ext, draftAt: patch.draft.at });
  }
  const changed = (Object.keys(next) as Array<keyof ConversationRow>).some((k) =>
    k === 'labels' ? !sameLabels(next.labels, row.labels) : next[k] !== row[k],
  );
  if (!changed) next.labels = row.labels;
  return { next, changed };
}

/** The labels after adding then removing: sorted (code-unit order, as SQL's "C" collation), unique. */
export function nextLabels(current: readonly string[], change: { add: readonly string[]; remove: readonly string[] }): string[] {
  const set = new Set(current);
  for (const l of change.add) set.add(l);
  for (const l of change.remove) set.delete(l);
  return [...set].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

const sameLabels = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((l, i) => l === b[i]);

/** Label rows to write after a row changed from `before` to `after`. */
export function labelDiff(before: readonly string[], after: readonly string[]): { added: string[]; removed: string[] } {
  const was = new Set(before);
  const now = new Set(after);
  return { added: after.filter((l) => !was.has(l)), removed: before.filter((l) => !now.has(l)) };
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

/** LISTED_SQL over the table named `alias` (a join with conversation_labels, which has a sort_ts too). */
export const listedSql = (alias: string): string =>
  `${alias}.last_seq > ${alias}.hidden_seq AND (${alias}.last_seq > 0 OR ${alias}.sort_ts > 0)`;

/** Which seqs one history page covers, within the viewer's visible window (floor, ceiling]. */
export interface HistoryRequest {
  floor: number;
  ceiling: number;
  /** 0 = from the newest. */
  startSeq: number;
  direction: 'up' | 'down';
  contain: boolean;
  around: number | undefined;
  limit: number;
}

/**
 * The page as [from, to]; an empty page has from = to + 1, placed where it was asked for, so the
 * caller can still tell whether there is more before or after it.
 */
export function planHistory(r: HistoryRequest): { from: number; to: number } {
  const first = r.floor + 1;
  const last = r.ceiling;
  if (last < first) return { from: first, to: first - 1 };
  let from: number;
  let to: number;
  if (r.around !== undefined) {
    const centre = Math.min(Math.max(r.around, first), last);
    from = Math.max(first, centre - Math.floor((r.limit - 1) / 2));
    to = Math.min(last, from + r.limit - 1);
    from = Math.max(first, to - r.limit + 1);
  } else if (r.startSeq === 0) {
    to = last;
    from = Math.max(first, to - r.limit + 1);
  } else if (r.direction === 'up') {
    to = Math.min(last, r.contain ? r.startSeq : r.startSeq - 1);
    from = Math.max(first, to - r.limit + 1);
  } else {
    from = Math.max(first, r.contain ? r.startSeq : r.startSeq + 1);
    to = Math.min(last, from + r.limit - 1);
  }
  if (from > to) return r.direction === 'down' && r.around === undefined ? { from: last + 1, to: last } : { from: first, to: first - 1 };
  return { from, to };
}

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

export function planHistory(r: HistoryRequest): { from: number; to: number } | undefined {
  const first = r.floor + 1;
  const last = r.ceiling;
  if (last < first) return undefined;
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
  return from <= to ? { from, to } : undefined;
}

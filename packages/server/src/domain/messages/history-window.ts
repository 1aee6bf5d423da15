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

/** A span of seqs, both ends included; empty when from = to + 1. */
export interface SeqSpan {
  from: number;
  to: number;
}

/**
 * At most this many seqs are looked at for one page, the planned page included: placeholders for
 * deleted seqs are cheap to find but not free, and a long run of them must not make one request
 * read without bound. Past it the page comes back short, and paging on continues after it.
 */
export const HISTORY_SCAN_CAP = 1000;

/** Which way a page grows when deleted seqs leave it short: away from where it is anchored. */
function growth(r: HistoryRequest): 'older' | 'newer' | 'both' {
  if (r.around !== undefined) return 'both';
  return r.startSeq === 0 || r.direction === 'up' ? 'older' : 'newer';
}

/** The seqs a page may be widened over: the planned page and, beyond it, room up to the scan cap. */
export function historyReach(page: SeqSpan, r: HistoryRequest, cap = HISTORY_SCAN_CAP): SeqSpan {
  if (page.from > page.to) return page;
  const first = r.floor + 1;
  const last = r.ceiling;
  const room = Math.max(0, cap - (page.to - page.from + 1));
  switch (growth(r)) {
    case 'older':
      return { from: Math.max(first, page.from - room), to: page.to };
    case 'newer':
      return { from: page.from, to: Math.min(last, page.to + room) };
    default:
      return { from: Math.max(first, page.from - Math.ceil(room / 2)), to: Math.min(last, page.to + Math.floor(room / 2)) };
  }
}

/**
 * The planned page widened within `reach` until it holds `limit` seqs that are not deleted for the
 * viewer (a deleted seq still comes back, as a placeholder, but does not use up the page). Paged
 * one way, the page also takes the deleted seqs right past its last message, so it ends at a
 * message or where the reach ends, and the next page starts at a message.
 */
export function widenPastDeleted(page: SeqSpan, r: HistoryRequest, deleted: ReadonlySet<number>, reach: SeqSpan): SeqSpan {
  if (page.from > page.to) return page;
  const shown = (seq: number) => (deleted.has(seq) ? 0 : 1);
  const way = growth(r);
  if (way === 'older') {
    let from = page.to + 1;
    for (let real = 0; from > reach.from && real < r.limit; ) real += shown(--from);
    while (from > reach.from && deleted.has(from - 1)) from--;
    return { from, to: page.to };
  }
  if (way === 'newer') {
    let to = page.from - 1;
    for (let real = 0; to < reach.to && real < r.limit; ) real += shown(++to);
    while (to < reach.to && deleted.has(to + 1)) to++;
    return { from: page.from, to };
  }
  let { from, to } = page;
  let real = 0;
  for (let seq = from; seq <= to; seq++) real += shown(seq);
  // Centred: one seq older, one newer, in turn, while either side has room.
  while (real < r.limit && (from > reach.from || to < reach.to)) {
    if (from > reach.from) real += shown(--from);
    if (real < r.limit && to < reach.to) real += shown(++to);
  }
  return { from, to };
}

import type { HistoryResult } from '@parley/protocol';
import type { Connection } from './connection.js';
import { Freshness } from './freshness.js';
import { differs, rowFromServer } from './message-state.js';
import { type ClientStore, conversationIdOfKey, type DeletedMessage, type LocalMessage } from './store.js';

export type Row = LocalMessage | DeletedMessage;

interface Range {
  from: number;
  to: number;
}

/**
 * When the history cache may answer. A page read on the current connection answers as it is. A page
 * cached before it (a reload, a reconnect) may have been edited, revoked or reacted to meanwhile: while
 * connected it is read again from the server; while offline it answers at once (the app shows its
 * chats before the socket is up) and is read again once connected, each change reported then.
 */
export class HistoryCache {
  private readonly freshness = new Freshness();
  private unchecked: Array<Range & { channel: string }> = [];

  constructor(
    private readonly store: ClientStore,
    private readonly connection: Connection,
    /** A page read again found a cached message changed. */
    private readonly onChanged: (before: LocalMessage, after: LocalMessage) => void,
  ) {}

  /** Rows from the server (a page, a push, an ack): cached, and current on this connection. */
  async put(channel: string, rows: readonly Row[]): Promise<void> {
    await this.store.putMessages(channel, rows);
    this.freshness.mark(
      channel,
      rows.map((r) => r.messageSeq),
    );
  }

  /** The cached state of one message, if there is one. */
  async get(channel: string, seq: number): Promise<LocalMessage | undefined> {
    const [row] = await this.store.messages(channel, seq, seq);
    return row && !('deleted' in row) ? row : undefined;
  }

  /** The cached rows of [from, to] when every seq is there and may answer (see the class); else undefined. */
  async page(channel: string, range: Range): Promise<Row[] | undefined> {
    const online = this.connection.status === 'connected';
    // Offline, nothing is known to be current: whatever is cached answers, and is read again later.
    const fresh = online && this.freshness.covers(channel, range.from, range.to);
    if (!fresh && online) return undefined;
    const rows = await this.store.messages(channel, range.from, range.to);
    if (rows.length !== range.to - range.from + 1) return undefined;
    if (!fresh) this.unchecked.push({ channel, ...range });
    return rows;
  }

  async forget(channel: string): Promise<void> {
    this.freshness.forget(channel);
    await this.store.clearChannel(channel);
  }

  /** A new connection: everything cached before it may have changed. */
  reconnected(): void {
    this.freshness.reset();
  }

  /** A range the app shows that may have changed while this device was away: read again by the next `recheck`. */
  recheckLater(channel: string, range: Range): void {
    this.unchecked.push({ channel, ...range });
  }

  /** Once connected: the pages shown from the cache while offline are read again, and changes reported. */
  async recheck(): Promise<void> {
    for (const page of this.unchecked.splice(0)) {
      // Dropped, not retried, when the connection fails meanwhile: the page is stale again and read
      // again the next time the app asks for it.
      await this.readAgain(page.channel, page).catch(() => {});
    }
  }

  private async readAgain(channel: string, range: Range): Promise<void> {
    if (this.freshness.covers(channel, range.from, range.to)) return;
    const result = await this.connection.request<HistoryResult>('message.history', {
      conversationId: conversationIdOfKey(channel),
      startSeq: range.from,
      contain: true,
      direction: 'down',
      limit: Math.min(100, range.to - range.from + 1),
    });
    const rows = result.messages.map(rowFromServer);
    const before = new Map((await this.store.messages(channel, range.from, range.to)).map((r) => [r.messageSeq, r]));
    await this.put(channel, rows);
    for (const row of rows) {
      const old = before.get(row.messageSeq);
      if (old && !('deleted' in old) && !('deleted' in row) && differs(old, row)) this.onChanged(old, row);
    }
  }
}

/** The seqs a history query covers, as the server computes them (without its visibility floor). */
export function wantedRange(
  q: { startSeq?: number; contain?: boolean; pullMode?: 0 | 1; around?: number },
  limit: number,
  lastSeq: number,
): Range | undefined {
  const start = q.startSeq ?? 0;
  let from: number;
  let to: number;
  if (q.around !== undefined) {
    from = Math.max(1, q.around - Math.floor((limit - 1) / 2));
    to = Math.min(lastSeq, from + limit - 1);
  } else if (start === 0) {
    to = lastSeq;
    from = Math.max(1, to - limit + 1);
  } else if (q.pullMode === 1) {
    from = q.contain ? start : start + 1;
    to = Math.min(lastSeq, from + limit - 1);
  } else {
    to = q.contain ? start : start - 1;
    from = Math.max(1, to - limit + 1);
  }
  return from <= to ? { from, to } : undefined;
}

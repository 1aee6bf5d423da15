import type { ChannelAddress, LocalMessage, ParleyClient } from '@parley/client';
import { sameChannel } from '../conversations/address';

const PAGE = 30;

export interface HistorySnapshot {
  /** Ascending by seq; messages still sending (seq 0) last. Deleted-for-me seqs are left out. */
  items: LocalMessage[];
  hasOlder: boolean;
  /** True after a jump into the past: newer pages exist, and live messages wait for "jump to latest". */
  hasNewer: boolean;
  /** The seq to scroll to and highlight after a jump. */
  focus: number | undefined;
  loaded: boolean;
  /** Why the conversation could not be opened (no such group, not a member, ...). */
  error?: string;
}

const order = (m: LocalMessage) => (m.messageSeq > 0 ? m.messageSeq : Number.MAX_SAFE_INTEGER);
const isMessage = (m: unknown): m is LocalMessage => !(m as { deleted?: boolean }).deleted;

/**
 * The slice of one channel's history the chat pane shows, as a store for `useSyncExternalStore`:
 * pages loaded up and down through the SDK's cache, and live sends, arrivals and changes merged in.
 */
export class HistoryWindow {
  private snapshot: HistorySnapshot = { items: [], hasOlder: false, hasNewer: false, focus: undefined, loaded: false };
  private readonly listeners = new Set<() => void>();
  private busy = false;
  private readonly key = `history-${Math.random().toString(36).slice(2)}`;

  constructor(
    private readonly client: ParleyClient,
    readonly address: ChannelAddress,
    private readonly lastSeq: () => number,
  ) {}

  /** Starts following the SDK's events; `detach` stops. Both are safe to repeat (React may mount twice). */
  attach(): void {
    const mine = (m: LocalMessage) => sameChannel(this.address, m);
    const messages = this.client.messages;
    messages.onInserted.add(this.key, (m) => mine(m) && !this.snapshot.hasNewer && this.merge([m]));
    messages.onRefreshMessage.add(this.key, (m) => mine(m) && this.merge([m], true));
    messages.onNewMessage.add(this.key, (m) => mine(m) && !this.snapshot.hasNewer && this.merge([m]));
  }

  detach(): void {
    this.client.messages.onInserted.remove(this.key);
    this.client.messages.onRefreshMessage.remove(this.key);
    this.client.messages.onNewMessage.remove(this.key);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  get = (): HistorySnapshot => this.snapshot;

  async openLatest(): Promise<void> {
    let page: LocalMessage[];
    try {
      page = await this.page({ startSeq: 0 });
    } catch (err) {
      this.set({ ...this.snapshot, error: err instanceof Error ? err.message : String(err) });
      return;
    }
    // What was sent or arrived while the page loaded is newer than the page: keep it.
    const newest = page.at(-1)?.messageSeq ?? 0;
    const arrived = this.snapshot.hasNewer ? [] : this.snapshot.items.filter((m) => m.messageSeq === 0 || m.messageSeq > newest);
    this.set({ items: [...page, ...arrived], hasOlder: (page[0]?.messageSeq ?? 0) > 1, hasNewer: false, focus: undefined, loaded: true });
  }

  loadOlder = async (): Promise<void> => {
    const oldest = this.snapshot.items.find((m) => m.messageSeq > 0)?.messageSeq;
    if (!this.snapshot.hasOlder || this.busy || oldest === undefined) return;
    await this.exclusive(async () => {
      const page = await this.page({ startSeq: oldest, pullMode: 0 });
      this.set({ ...this.merged(page), hasOlder: page.length > 0 && (page[0]?.messageSeq ?? 0) > 1, focus: undefined });
    });
  };

  loadNewer = async (): Promise<void> => {
    const newest = this.snapshot.items.findLast((m) => m.messageSeq > 0)?.messageSeq;
    if (!this.snapshot.hasNewer || this.busy || newest === undefined) return;
    await this.exclusive(async () => {
      const page = await this.page({ startSeq: newest, pullMode: 1 });
      const last = page.at(-1)?.messageSeq ?? newest;
      this.set({ ...this.merged(page), hasNewer: page.length > 0 && last < this.lastSeq(), focus: undefined });
    });
  };

  /** Shows the messages around `seq` (WuKongIM's aroundMsgOrderSeq), loaded when they are not in view. */
  async jumpTo(seq: number): Promise<void> {
    if (this.snapshot.items.some((m) => m.messageSeq === seq)) {
      this.set({ ...this.snapshot, focus: seq });
      return;
    }
    await this.exclusive(async () => {
      const page = await this.page({ around: seq });
      const first = page[0]?.messageSeq ?? seq;
      const last = page.at(-1)?.messageSeq ?? seq;
      this.set({ items: page, hasOlder: first > 1, hasNewer: last < this.lastSeq(), focus: seq, loaded: true });
    });
  }

  /** Drops a message the user deleted for themselves. */
  remove(messageId: string): void {
    this.set({ ...this.snapshot, items: this.snapshot.items.filter((m) => m.messageId !== messageId), focus: undefined });
  }

  private async page(q: { startSeq?: number; pullMode?: 0 | 1; around?: number }): Promise<LocalMessage[]> {
    const rows = await this.client.messages.getOrSyncHistory({ channel: this.address, limit: PAGE, ...q }, this.lastSeq() || undefined);
    return rows.filter(isMessage);
  }

  private async exclusive(work: () => Promise<void>): Promise<void> {
    this.busy = true;
    try {
      await work();
    } finally {
      this.busy = false;
    }
  }

  private merged(incoming: LocalMessage[], onlyKnown = false): HistorySnapshot {
    const items = [...this.snapshot.items];
    for (const m of incoming) {
      const at = items.findIndex(
        (x) => (x.clientMsgNo === m.clientMsgNo && x.fromUid === m.fromUid) || (m.messageSeq > 0 && x.messageSeq === m.messageSeq),
      );
      if (at >= 0) items[at] = m;
      else if (!onlyKnown) items.push(m);
    }
    items.sort((a, b) => order(a) - order(b));
    return { ...this.snapshot, items, focus: undefined };
  }

  /** Acks, edits, revokes, reactions and receipts replace what is shown; `onlyKnown` keeps changes to unseen messages out. */
  private merge(incoming: LocalMessage[], onlyKnown = false): void {
    this.set(this.merged(incoming, onlyKnown));
  }

  private set(next: HistorySnapshot): void {
    this.snapshot = next;
    for (const l of this.listeners) l();
  }
}

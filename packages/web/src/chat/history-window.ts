import type { ChannelAddress, LocalMessage, ParleyClient } from '@parley/client';
import { sameChannel } from '../conversations/address';
import { shownPayload } from './content';

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
  /** Files on their way up, shown after the messages until their own message takes their place. */
  uploads: PendingUpload[];
}

export interface PendingUpload {
  id: string;
  name: string;
  size: number;
  /** A local URL of the picture, for images. */
  preview?: string;
  /** 0..1 of the bytes sent. */
  progress: number;
  /** The uploaded file's URL, once uploaded: the message that carries it replaces the placeholder. */
  url?: string;
}

const order = (m: LocalMessage) => (m.messageSeq > 0 ? m.messageSeq : Number.MAX_SAFE_INTEGER);
const isMessage = (m: unknown): m is LocalMessage => !(m as { deleted?: boolean }).deleted;
/** One send, before and after its ack (the seq and id come with the ack; the clientMsgNo is there from the start). */
const sameMessage = (a: LocalMessage, b: LocalMessage) => a.clientMsgNo === b.clientMsgNo && a.fromUid === b.fromUid;

/** Each message once (by seq, or by its send before the ack), the later copy kept, in the given order. */
function onceEach(list: LocalMessage[]): LocalMessage[] {
  const out: LocalMessage[] = [];
  for (const m of list) {
    const at = out.findIndex((x) => sameMessage(x, m) || (m.messageSeq > 0 && x.messageSeq === m.messageSeq));
    if (at >= 0) out[at] = m;
    else out.push(m);
  }
  return out;
}

/**
 * The slice of one channel's history the chat pane shows, as a store for `useSyncExternalStore`:
 * pages loaded up and down through the SDK's cache, and live sends, arrivals and changes merged in.
 */
export class HistoryWindow {
  private snapshot: HistorySnapshot = { items: [], hasOlder: false, hasNewer: false, focus: undefined, loaded: false, uploads: [] };
  private readonly listeners = new Set<() => void>();
  private busy = false;
  /** What arrived or was sent before the first page came in: shown with it, not before it (see `arrive`). */
  private early: LocalMessage[] = [];
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
    messages.onInserted.add(this.key, (m) => mine(m) && this.arrive(m));
    messages.onRefreshMessage.add(this.key, (m) => {
      if (!mine(m)) return;
      this.early = this.early.map((x) => (sameMessage(x, m) ? m : x));
      this.merge([m], true);
    });
    messages.onNewMessage.add(this.key, (m) => mine(m) && this.arrive(m));
    // Opened from the cache while connecting, the newest page may have needed the server: read it again once connected.
    this.client.onStatus.add(this.key, (status) => {
      if (status === 'connected' && (this.snapshot.error !== undefined || !this.snapshot.loaded)) void this.openLatest();
    });
  }

  detach(): void {
    this.client.onStatus.remove(this.key);
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
      const shown = onceEach([...this.snapshot.items, ...this.early.splice(0)]);
      const items = [...shown, ...this.waiting(shown)];
      this.set({ ...this.snapshot, items, error: err instanceof Error ? err.message : String(err) });
      return;
    }
    // What was sent or arrived while the page loaded is newer than the page: keep it.
    const newest = page.at(-1)?.messageSeq ?? 0;
    const before = [...this.snapshot.items, ...this.early.splice(0)];
    const arrived = this.snapshot.hasNewer
      ? []
      : before.filter((m) => m.messageSeq === 0 || m.messageSeq > newest).sort((a, b) => order(a) - order(b));
    // The SDK's newest page ends with the channel's sends still in its outbox, which may also have
    // arrived here already (restored from the store): each send is shown once, in its latest state.
    const shown = [...page, ...arrived];
    this.set({
      ...this.snapshot,
      items: onceEach([...shown, ...this.waiting(shown)]),
      error: undefined,
      hasOlder: (page[0]?.messageSeq ?? 0) > 1,
      hasNewer: false,
      focus: undefined,
      loaded: true,
    });
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
  jumpTo = async (seq: number): Promise<void> => {
    if (this.snapshot.items.some((m) => m.messageSeq === seq)) {
      this.set({ ...this.snapshot, focus: seq });
      return;
    }
    await this.exclusive(async () => {
      const page = await this.page({ around: seq });
      const first = page[0]?.messageSeq ?? seq;
      const last = page.at(-1)?.messageSeq ?? seq;
      this.set({ ...this.snapshot, items: page, hasOlder: first > 1, hasNewer: last < this.lastSeq(), focus: seq, loaded: true });
    });
  };

  /**
   * A live message or one of my sends. Before the first page is in it waits for it: shown alone it
   * would stand where the page goes (the chat showed a burst of pushes still arriving from before it
   * opened, oldest first, then jumped to the page: CI). One older than the window's first, with older
   * history still to load, is left for scrolling up: inserted, it would leave a gap above the page.
   * In a window in the past (`hasNewer`) nothing is added: "jump to latest" brings the newest.
   */
  private arrive(m: LocalMessage): void {
    const s = this.snapshot;
    if (s.hasNewer) return;
    if (!s.loaded && s.error === undefined) {
      this.early.push(m);
      return;
    }
    const oldest = s.items.find((x) => x.messageSeq > 0)?.messageSeq;
    if (s.hasOlder && m.messageSeq > 0 && oldest !== undefined && m.messageSeq < oldest) return;
    this.merge([m]);
  }

  /** Drops a message the user deleted for themselves, or a failed send they gave up. */
  remove = (message: LocalMessage): void => {
    this.set({ ...this.snapshot, items: this.snapshot.items.filter((m) => !sameMessage(m, message)), focus: undefined });
  };

  /** The current state of a message out of view (a reply's quote), from the SDK's cache or the server. */
  lookUp = async (seq: number): Promise<LocalMessage | undefined> => {
    const found = await this.client.messages.getOrSyncHistory(
      { channel: this.address, around: seq, limit: 1 },
      this.lastSeq() || undefined,
    );
    return found.filter(isMessage).find((m) => m.messageSeq === seq);
  };

  /** Shows a placeholder for a file being uploaded; `updateUpload` follows its progress, `endUpload` drops it. */
  startUpload(upload: PendingUpload): void {
    this.set({ ...this.snapshot, uploads: [...this.snapshot.uploads, upload] });
  }

  updateUpload(id: string, change: Partial<PendingUpload>): void {
    this.set({ ...this.snapshot, uploads: this.snapshot.uploads.map((u) => (u.id === id ? { ...u, ...change } : u)) });
  }

  /** After the send (or its failure): the placeholder goes, if its message has not already replaced it. */
  endUpload(id: string): void {
    if (this.snapshot.uploads.some((u) => u.id === id))
      this.set({ ...this.snapshot, uploads: this.snapshot.uploads.filter((u) => u.id !== id) });
  }

  /**
   * This channel's sends still in the SDK's outbox (made offline, or left by the last session) that
   * `shown` lacks: they are shown after the newest messages until they go out.
   */
  private waiting(shown: LocalMessage[]): LocalMessage[] {
    return this.client.messages.pendingSends().filter((m) => sameChannel(this.address, m) && !shown.some((s) => sameMessage(s, m)));
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
      const at = items.findIndex((x) => sameMessage(x, m) || (m.messageSeq > 0 && x.messageSeq === m.messageSeq));
      if (at >= 0) items[at] = m;
      else if (!onlyKnown) items.push(m);
    }
    items.sort((a, b) => order(a) - order(b));
    // An upload's message replaces its placeholder in this same snapshot: the two never show at once.
    const merged = new Set(items.map((m) => shownPayload(m).url));
    const uploads = this.snapshot.uploads.filter((u) => !(u.url && merged.has(u.url)));
    return { ...this.snapshot, items, uploads, focus: undefined };
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

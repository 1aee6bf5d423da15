import {
  type ConnectionStatus,
  type HistoryQuery,
  KeyedListeners,
  type LocalMessage,
  type Messages,
  type ParleyClient,
} from '@parley/client';
import { describe, expect, it } from 'vitest';
import { HistoryWindow } from './history-window';
import { message } from './test-message';

const ALICE_BOB = { channelType: 1, channelId: 'bob' } as const;
const text = (content: string) => ({ type: 1, content }) as LocalMessage['payload'];

/**
 * The SDK's messages as the window uses them: its real listener lists, and history answered from an
 * in-memory channel of `last` messages in place of `getOrSyncHistory`, which would ask the server over
 * the network. Pages follow the server's rules (newest, older, newer, around), and a test may hold
 * one back (`hold`) to see what happens while it loads.
 */
class FakeMessages implements Pick<Messages, 'onInserted' | 'onRefreshMessage' | 'onNewMessage' | 'pendingSends'> {
  readonly onInserted = new KeyedListeners<[LocalMessage]>();
  readonly onRefreshMessage = new KeyedListeners<[LocalMessage]>();
  readonly onNewMessage = new KeyedListeners<[LocalMessage]>();
  readonly queries: HistoryQuery[] = [];
  deletedSeqs = new Set<number>();
  outbox: LocalMessage[] = [];
  failWith: Error | undefined;
  private held: Array<() => void> = [];
  private holding = false;

  constructor(public last: number) {}

  pendingSends(): LocalMessage[] {
    return this.outbox;
  }

  hold(): void {
    this.holding = true;
  }

  release(): void {
    this.holding = false;
    for (const go of this.held.splice(0)) go();
  }

  async getOrSyncHistory(q: HistoryQuery): Promise<Array<LocalMessage | { messageSeq: number; deleted: true }>> {
    this.queries.push(q);
    if (this.holding) await new Promise<void>((go) => this.held.push(go));
    if (this.failWith) throw this.failWith;
    const limit = q.limit ?? 20;
    const start = q.startSeq ?? 0;
    let from: number;
    let to: number;
    if (q.around !== undefined) {
      from = Math.max(1, q.around - Math.floor((limit - 1) / 2));
      to = Math.min(this.last, from + limit - 1);
    } else if (q.pullMode === 1) {
      from = start + 1;
      to = Math.min(this.last, start + limit);
    } else {
      to = start === 0 ? this.last : start - 1;
      from = Math.max(1, to - limit + 1);
    }
    const page = [];
    for (let seq = from; seq <= to; seq++)
      page.push(this.deletedSeqs.has(seq) ? { messageSeq: seq, deleted: true as const } : message(seq));
    return page;
  }
}

const onStatus = new KeyedListeners<[ConnectionStatus]>();

function open(last: number) {
  const messages = new FakeMessages(last);
  const client = { messages, onStatus } as unknown as ParleyClient;
  const window = new HistoryWindow(client, ALICE_BOB, () => messages.last);
  window.attach();
  const seqs = () => window.get().items.map((m) => m.messageSeq);
  return { messages, window, seqs };
}

describe('HistoryWindow', () => {
  it('opens on the newest page, and knows whether there is older history', async () => {
    const { window, seqs } = open(100);
    await window.openLatest();
    expect(seqs()).toEqual(Array.from({ length: 30 }, (_, i) => 71 + i));
    expect(window.get()).toMatchObject({ loaded: true, hasOlder: true, hasNewer: false });

    const short = open(5);
    await short.window.openLatest();
    expect(short.seqs()).toEqual([1, 2, 3, 4, 5]);
    expect(short.window.get().hasOlder).toBe(false);
  });

  it('leaves out messages deleted for me', async () => {
    const { window, messages, seqs } = open(4);
    messages.deletedSeqs = new Set([2]);
    await window.openLatest();
    expect(seqs()).toEqual([1, 3, 4]);
  });

  it('keeps what was sent or arrived while the first page loaded', async () => {
    const { window, messages, seqs } = open(3);
    messages.hold();
    const opening = window.openLatest();
    messages.onInserted.emit(message(0, { fromUid: 'alice', clientMsgNo: 'mine', status: 'sending' }));
    messages.onNewMessage.emit(message(4));
    messages.onNewMessage.emit(message(2, { payload: text('stale copy') }));
    messages.release(); // the page was cut at seq 3, before 4 arrived
    await opening;
    expect(seqs()).toEqual([1, 2, 3, 4, 0]);
    expect(window.get().items[1]?.payload).toEqual({ type: 1, content: 'm2' }); // on the page: the page's copy stands
  });

  it('shows nothing that arrived before the first page until it is in, then the page with what is newer', async () => {
    const { window, messages, seqs } = open(60);
    messages.hold();
    const opening = window.openLatest();
    // Pushes from before the chat opened, still arriving (a burst of 60, oldest first).
    for (let seq = 1; seq <= 60; seq++) messages.onNewMessage.emit(message(seq));
    const mine = message(0, { fromUid: 'alice', clientMsgNo: 'mine', status: 'sending' });
    messages.onInserted.emit(mine);
    messages.onRefreshMessage.emit({ ...mine, messageSeq: 61, messageId: '9061', status: 'success' });
    expect(seqs()).toEqual([]);
    messages.release();
    await opening;
    expect(seqs()).toEqual([...Array.from({ length: 30 }, (_, i) => 31 + i), 61]);
    expect(window.get().items.at(-1)).toMatchObject({ clientMsgNo: 'mine', status: 'success' });
  });

  it('leaves a late push older than the page for scrolling up, without a gap', async () => {
    const { window, messages, seqs } = open(60);
    await window.openLatest();
    messages.onNewMessage.emit(message(1));
    expect(seqs()).toEqual(Array.from({ length: 30 }, (_, i) => 31 + i));
  });

  it('opened while connecting, reads the newest page again once connected', async () => {
    const { window, messages, seqs } = open(3);
    messages.failWith = new Error('Not connected (connecting)');
    await window.openLatest();
    expect(window.get().error).toBe('Not connected (connecting)');
    messages.failWith = undefined;
    onStatus.emit('reconnecting');
    expect(messages.queries).toHaveLength(1);
    onStatus.emit('connected');
    await new Promise((r) => setTimeout(r, 0));
    expect(seqs()).toEqual([1, 2, 3]);
    expect(window.get().error).toBeUndefined();
    window.detach();
  });

  it('tells why a conversation could not be opened', async () => {
    const { window, messages } = open(3);
    messages.failWith = new Error('You do not belong to this conversation');
    await window.openLatest();
    expect(window.get()).toMatchObject({ loaded: false, error: 'You do not belong to this conversation' });
  });

  it('merges live messages by seq, a send by its clientMsgNo, keeps seq order with sends still going out last, and ignores other chats', async () => {
    const { window, messages, seqs } = open(3);
    await window.openLatest();
    const sending = message(0, { fromUid: 'alice', clientMsgNo: 'mine', status: 'sending', messageId: '0' });
    messages.onInserted.emit(sending);
    messages.onNewMessage.emit(message(4));
    messages.onNewMessage.emit(message(4)); // a repeat replaces, never duplicates
    messages.onNewMessage.emit(message(9, { channelId: 'carol' }));
    messages.onNewMessage.emit(message(9, { channelType: 2 }));
    expect(seqs()).toEqual([1, 2, 3, 4, 0]);
    messages.onRefreshMessage.emit({ ...sending, messageSeq: 5, messageId: '9005', status: 'success' });
    expect(seqs()).toEqual([1, 2, 3, 4, 5]);
    expect(window.get().items.at(-1)).toMatchObject({ clientMsgNo: 'mine', status: 'success' });
  });

  it('applies changes (edits, revokes, reactions) to messages in view only', async () => {
    const { window, messages, seqs } = open(3);
    await window.openLatest();
    messages.onRefreshMessage.emit(message(2, { reactions: [{ emoji: '👍', uids: ['alice'], count: 1 }] }));
    messages.onRefreshMessage.emit(message(77));
    expect(seqs()).toEqual([1, 2, 3]);
    expect(window.get().items[1]?.reactions).toHaveLength(1);
  });

  it('loads older pages up to the first message, one load at a time', async () => {
    const { window, messages, seqs } = open(45);
    await window.openLatest();
    messages.hold();
    const loading = window.loadOlder();
    void window.loadOlder(); // a second scroll while the first load runs asks for nothing
    messages.release();
    await loading;
    expect(messages.queries.slice(1)).toEqual([expect.objectContaining({ startSeq: 16, pullMode: 0 })]);
    expect(seqs()).toEqual(Array.from({ length: 45 }, (_, i) => i + 1));
    expect(window.get().hasOlder).toBe(false);
    await window.loadOlder();
    expect(messages.queries).toHaveLength(2);
  });

  it('jumps into the past around a seq, holds live messages back until the newest page is reached again', async () => {
    const { window, messages, seqs } = open(200);
    await window.openLatest();
    await window.jumpTo(40);
    expect(seqs()[0]).toBe(26);
    expect(seqs().at(-1)).toBe(55);
    expect(window.get()).toMatchObject({ focus: 40, hasOlder: true, hasNewer: true });

    messages.onNewMessage.emit(message(201));
    messages.onInserted.emit(message(0, { fromUid: 'alice', clientMsgNo: 'mine', status: 'sending' }));
    expect(seqs().at(-1)).toBe(55); // "jump to latest" brings them; they would leave a gap here
    messages.last = 201;

    for (let i = 0; i < 6 && window.get().hasNewer; i++) await window.loadNewer();
    expect(window.get().hasNewer).toBe(false);
    expect(seqs().at(-1)).toBe(201);
    expect(new Set(seqs()).size).toBe(seqs().length);
  });

  it('only moves the focus when the seq is already in view', async () => {
    const { window, messages } = open(50);
    await window.openLatest();
    await window.jumpTo(45);
    expect(window.get().focus).toBe(45);
    expect(messages.queries).toHaveLength(1);
  });

  it('drops a message deleted for me, tells its subscribers of every change, and stops following on detach', async () => {
    const { window, messages, seqs } = open(3);
    let changes = 0;
    const unsubscribe = window.subscribe(() => changes++);
    await window.openLatest();
    window.remove(message(2));
    expect(seqs()).toEqual([1, 3]);
    expect(changes).toBe(2);
    window.detach();
    messages.onNewMessage.emit(message(4));
    expect(seqs()).toEqual([1, 3]);
    unsubscribe();
    window.remove(message(1));
    expect(changes).toBe(2);
  });

  it('shows the sends still in the outbox (made offline, or left by the last session) after the newest page', async () => {
    const { window, messages, seqs } = open(3);
    const waiting = message(0, { fromUid: 'alice', clientMsgNo: 'offline', status: 'sending' });
    messages.outbox = [waiting, message(0, { channelId: 'carol', clientMsgNo: 'elsewhere', status: 'sending' })];
    await window.openLatest();
    expect(seqs()).toEqual([1, 2, 3, 0]);
    expect(window.get().items.at(-1)?.clientMsgNo).toBe('offline');
    await window.openLatest(); // again: still once
    expect(seqs()).toEqual([1, 2, 3, 0]);

    window.remove({ ...waiting, status: 'fail' });
    expect(seqs()).toEqual([1, 2, 3]);
  });

  it("replaces an upload's placeholder with its message in one snapshot, and drops it after the send in any case", async () => {
    const { window, messages } = open(1);
    await window.openLatest();
    const snapshots: Array<{ placeholders: number; images: number }> = [];
    window.subscribe(() => {
      const now = window.get();
      snapshots.push({ placeholders: now.uploads.length, images: now.items.filter((m) => m.payload.type === 2).length });
    });
    window.startUpload({ id: 'u1', name: 'cat.png', size: 10, progress: 0 });
    window.updateUpload('u1', { progress: 1, url: '/v1/files/f1' });
    messages.onInserted.emit(
      message(0, {
        fromUid: 'alice',
        clientMsgNo: 'img',
        status: 'sending',
        payload: { type: 2, url: '/v1/files/f1' } as LocalMessage['payload'],
      }),
    );
    window.endUpload('u1');
    expect(snapshots).toEqual([
      { placeholders: 1, images: 0 },
      { placeholders: 1, images: 0 },
      { placeholders: 0, images: 1 },
    ]);

    window.startUpload({ id: 'u2', name: 'refused.pdf', size: 10, progress: 0 });
    window.endUpload('u2');
    expect(window.get().uploads).toEqual([]);
  });
});

import { ParleyError } from '@parley/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CommitResult, NewMessage } from '../../ports/storage/index.js';
import { SendBatcher } from './send-batcher.js';

const message = (n: number): NewMessage => ({
  channelType: 1,
  channelId: 'alice|bob',
  messageId: String(1000 + n),
  clientMsgNo: `c${n}`,
  fromUid: 'alice',
  timestamp: 1_700_000_000_000 + n,
  contentType: 1,
  payloadJson: JSON.stringify({ type: 1, content: `m${n}` }),
  metaJson: '{}',
  redDot: true,
  mentionUids: [],
  mentionAll: false,
  fanout: { kind: 'users', targets: [] },
});

const stored = (m: NewMessage, seq: number): CommitResult => ({
  status: 'stored',
  ack: { messageId: m.messageId, messageSeq: seq, timestamp: m.timestamp },
  conversations: [],
});

/**
 * Stands in for `storage.messages.commit`, which needs a database: it records each batch and leaves it
 * in flight until the test settles it, so the test decides when a transaction ends.
 */
class FakeCommit {
  readonly batches: NewMessage[][] = [];
  private readonly open: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  private seq = 0;

  readonly commit = (batch: readonly NewMessage[]): Promise<CommitResult[]> => {
    this.batches.push([...batch]);
    return new Promise((resolve, reject) => {
      this.open.push({ resolve: () => resolve(batch.map((m) => stored(m, ++this.seq))), reject });
    });
  };

  get inFlight(): number {
    return this.open.length;
  }

  /** Ends the oldest transaction in flight. */
  finish(): void {
    this.next().resolve();
  }

  fail(error: unknown): void {
    this.next().reject(error);
  }

  private next() {
    const t = this.open.shift();
    if (!t) throw new Error('no commit in flight');
    return t;
  }
}

const ids = (batch: NewMessage[]) => batch.map((m) => m.clientMsgNo);

/** Runs the batcher's scheduled flush (it waits for the event loop's next turn, `setImmediate`). */
const nextTurn = () => vi.runOnlyPendingTimersAsync();

describe('SendBatcher', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('commits every send of one event-loop turn in one batch, in submit order, and answers each with its own result', async () => {
    const store = new FakeCommit();
    const sizes: number[] = [];
    const batcher = new SendBatcher(store.commit, 2000, (size) => sizes.push(size));
    const acks = [1, 2, 3].map((n) => batcher.submit(message(n)));
    expect(store.batches).toEqual([]); // nothing until the turn ends
    await nextTurn();
    expect(store.batches.map(ids)).toEqual([['c1', 'c2', 'c3']]);
    store.finish();
    const results = await Promise.all(acks);
    expect(results.map((r) => [r.ack.messageId, r.ack.messageSeq])).toEqual([
      ['1001', 1],
      ['1002', 2],
      ['1003', 3],
    ]);
    expect(sizes).toEqual([3]);
  });

  it('keeps one transaction in flight: what comes meanwhile gathers into the next batch', async () => {
    const store = new FakeCommit();
    const batcher = new SendBatcher(store.commit);
    const first = batcher.submit(message(1));
    await nextTurn();
    const later = [2, 3, 4].map((n) => batcher.submit(message(n)));
    await nextTurn();
    expect(store.inFlight).toBe(1);
    expect(store.batches.map(ids)).toEqual([['c1']]);
    store.finish();
    await first;
    await nextTurn();
    expect(store.batches.map(ids)).toEqual([['c1'], ['c2', 'c3', 'c4']]);
    store.finish();
    await Promise.all(later);
  });

  it('cuts a turn with more than maxBatch sends into batches of at most maxBatch, in order', async () => {
    const store = new FakeCommit();
    const batcher = new SendBatcher(store.commit, 2);
    const acks = [1, 2, 3, 4, 5].map((n) => batcher.submit(message(n)));
    for (let i = 0; i < 3; i++) {
      await nextTurn();
      store.finish();
      await vi.advanceTimersByTimeAsync(0);
    }
    expect(store.batches.map(ids)).toEqual([['c1', 'c2'], ['c3', 'c4'], ['c5']]);
    expect((await Promise.all(acks)).map((r) => r.ack.messageSeq)).toEqual([1, 2, 3, 4, 5]);
  });

  it('fails every send of a failed batch with its error, and carries on with the next', async () => {
    const store = new FakeCommit();
    const batcher = new SendBatcher(store.commit);
    const doomed = [1, 2].map((n) => batcher.submit(message(n)));
    await nextTurn();
    const next = batcher.submit(message(3));
    store.fail(new Error('disk full'));
    for (const send of doomed) await expect(send).rejects.toThrow('disk full');
    await nextTurn();
    expect(store.batches.map(ids)).toEqual([['c1', 'c2'], ['c3']]);
    store.finish();
    await expect(next).resolves.toMatchObject({ status: 'stored' });
  });

  it('on close, refuses new sends and resolves only once every accepted send is committed', async () => {
    const store = new FakeCommit();
    const batcher = new SendBatcher(store.commit, 1);
    const accepted = [1, 2].map((n) => batcher.submit(message(n)));
    let closed = false;
    const closing = batcher.close().then(() => {
      closed = true;
    });
    await expect(batcher.submit(message(3))).rejects.toEqual(new ParleyError('server.shutting_down'));
    // close flushes at once, without waiting for the scheduled turn.
    await vi.advanceTimersByTimeAsync(0);
    expect(store.batches.map(ids)).toEqual([['c1']]);
    store.finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(closed).toBe(false);
    expect(store.batches.map(ids)).toEqual([['c1'], ['c2']]);
    store.finish();
    await closing;
    expect(closed).toBe(true);
    await Promise.all(accepted);
  });

  describe('with several batches in flight', () => {
    const to = (n: number, channelId: string): NewMessage => ({ ...message(n), channelId });

    it("starts a batch for other channels while one is in flight, holding a busy channel's sends back in order", async () => {
      const store = new FakeCommit();
      const batcher = new SendBatcher(store.commit, 2000, () => {}, 3);
      const acks = [batcher.submit(to(1, 'x')), batcher.submit(to(2, 'y'))];
      await nextTurn();
      acks.push(batcher.submit(to(3, 'x')), batcher.submit(to(4, 'z')), batcher.submit(to(5, 'x')), batcher.submit(to(6, 'w')));
      await nextTurn();
      // x and y are in flight: only z and w may go, x waits.
      expect(store.batches.map(ids)).toEqual([
        ['c1', 'c2'],
        ['c4', 'c6'],
      ]);
      store.finish();
      await vi.advanceTimersByTimeAsync(0);
      expect(store.batches.map(ids)).toEqual([
        ['c1', 'c2'],
        ['c4', 'c6'],
        ['c3', 'c5'],
      ]);
      store.finish();
      store.finish();
      await Promise.all(acks);
    });

    it('a send to a free channel starts a batch while the queue waits only for channels in flight', async () => {
      const store = new FakeCommit();
      const batcher = new SendBatcher(store.commit, 2000, () => {}, 3);
      const acks = [batcher.submit(to(1, 'x'))];
      await nextTurn();
      // Turn after turn, only x's sends arrive: each waits for x's batch.
      for (const n of [2, 3]) {
        acks.push(batcher.submit(to(n, 'x')));
        await nextTurn();
      }
      expect(store.batches.map(ids)).toEqual([['c1']]);
      acks.push(batcher.submit(to(4, 'y')));
      await nextTurn();
      expect(store.batches.map(ids)).toEqual([['c1'], ['c4']]);
      acks.push(batcher.submit(to(5, 'x')));
      await nextTurn();
      store.finish();
      await vi.advanceTimersByTimeAsync(0);
      expect(store.batches.map(ids)).toEqual([['c1'], ['c4'], ['c2', 'c3', 'c5']]);
      store.finish();
      store.finish();
      await Promise.all(acks);
    });

    it('never has more than maxInFlight batches; the rest gathers', async () => {
      const store = new FakeCommit();
      const batcher = new SendBatcher(store.commit, 2000, () => {}, 2);
      const acks: Promise<CommitResult>[] = [];
      for (let n = 1; n <= 4; n++) {
        acks.push(batcher.submit(to(n, `ch${n}`)));
        await nextTurn();
      }
      expect(store.inFlight).toBe(2);
      expect(store.batches.map(ids)).toEqual([['c1'], ['c2']]);
      store.finish();
      await vi.advanceTimersByTimeAsync(0);
      expect(store.batches.map(ids)).toEqual([['c1'], ['c2'], ['c3', 'c4']]);
      store.finish();
      store.finish();
      await Promise.all(acks);
    });

    it('on close, commits what is queued behind busy channels too', async () => {
      const store = new FakeCommit();
      const batcher = new SendBatcher(store.commit, 2000, () => {}, 2);
      const first = batcher.submit(to(1, 'x'));
      await nextTurn();
      const second = batcher.submit(to(2, 'x'));
      const closing = batcher.close();
      await vi.advanceTimersByTimeAsync(0);
      expect(store.batches.map(ids)).toEqual([['c1']]);
      store.finish();
      await vi.advanceTimersByTimeAsync(0);
      expect(store.batches.map(ids)).toEqual([['c1'], ['c2']]);
      store.finish();
      await closing;
      await Promise.all([first, second]);
    });
  });
});

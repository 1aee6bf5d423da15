import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageMaker, p2pFanout } from './contract-fixtures.js';
import { type MessageRef, STREAM_ENDED, STREAM_NONE, STREAM_OPEN, type Storage, type StoredMessage } from './index.js';
import { searchTerms } from './search-text.js';

const T = 1_700_000_000_000;
const contentOf = (m: StoredMessage): string => (JSON.parse(m.payloadJson) as { content: string }).content;

/** The rules of MessageStreamStore (message-streams.ts), run by `runStorageContract` on every backend. */
export function runStreamsContract(name: string, open: () => Promise<Storage>): void {
  describe(`storage contract: ${name}: streamed messages`, () => {
    let store: Storage;
    const make = messageMaker({ channelId: 'sa|sb', fromUid: 'sa', firstId: 9_300_000, clientPrefix: 'strm', now: T });
    const commit = async (stream: boolean, content = ''): Promise<MessageRef> => {
      const [r] = await store.messages.commit([
        make({ fanout: p2pFanout('sa', 'sb'), payloadJson: JSON.stringify({ type: 1, content }), ...(stream ? { stream } : {}) }),
      ]);
      if (r?.status !== 'stored') throw new Error('not stored');
      return { channelType: 1, channelId: 'sa|sb', seq: r.ack.messageSeq };
    };
    const read = async (ref: MessageRef) => (await store.messages.bySeqs([ref]))[0] as StoredMessage;

    beforeAll(async () => {
      store = await open();
      await store.users.upsert('sa', {}, T);
      await store.users.upsert('sb', {}, T);
    });
    afterAll(async () => {
      await store?.close();
    });

    it('stores a stream open (its time as its last activity) and any other message as no stream', async () => {
      const before = await store.streams.openCount('sa');
      const stream = await read(await commit(true, 'Hi'));
      const plain = await read(await commit(false, 'plain'));
      expect(stream).toMatchObject({ streamState: STREAM_OPEN, streamChunk: 0, streamStatus: '', streamAt: stream.timestamp });
      expect(plain).toMatchObject({ streamState: STREAM_NONE, streamChunk: 0, streamStatus: '', streamAt: 0 });
      expect(await store.streams.openCount('sa')).toBe(before + 1);
      expect(await store.streams.openCount('sb')).toBe(0);
    });

    it('applies the next chunk only: a repeat and a gap change nothing; the text stays within maxChars', async () => {
      const ref = await commit(true, '>');
      expect(await store.streams.append(ref, 1, 'a', T + 10, 100)).toMatchObject({ kind: 'applied', message: { streamChunk: 1 } });
      expect(await store.streams.append(ref, 3, 'c', T + 11, 100)).toEqual({ kind: 'gap', expected: 2 });
      expect(await store.streams.append(ref, 1, 'zzz', T + 12, 100)).toMatchObject({ kind: 'repeat', message: { streamChunk: 1 } });
      const applied = await store.streams.append(ref, 2, 'b', T + 13, 100);
      expect(applied.kind).toBe('applied');
      expect(await store.streams.append(ref, 3, 'too long', T + 14, 5)).toEqual({ kind: 'too_large' });
      const m = await read(ref);
      expect([contentOf(m), m.streamChunk, m.streamAt, m.streamState]).toEqual(['>ab', 2, T + 13, STREAM_OPEN]);
    });

    it('indexes the text for search once while the stream is open and again when it ends, not per chunk', async () => {
      const KEEP = { now: T + 1000, defaultDays: 0 };
      const found = async (q: string) => {
        const page = await store.search.messages({ uid: 'sb', terms: searchTerms(q), limit: 10, policy: KEEP });
        return page === 'bad_position' ? [] : page.messages.map(contentOf);
      };
      const ref = await commit(true, 'pelican');
      expect(await found('pelican')).toEqual(['pelican']);
      await store.streams.append(ref, 1, ' flamingo', T + 30, 1000);
      expect(await found('pelican')).toEqual(['pelican flamingo']);
      expect(await found('flamingo')).toEqual([]);
      await store.streams.end(ref, 'done', T + 31);
      expect(await found('flamingo')).toEqual(['pelican flamingo']);
      const idle = await commit(true, 'heron');
      await store.streams.append(idle, 1, ' egret', T + 32, 1000);
      await store.streams.closeIdle(T + 10_000, 'timeout', T + 10_000, 10);
      expect(await found('egret')).toEqual(['heron egret']);
    });

    it('applies a chunk once when the same chunk races from many callers', async () => {
      const ref = await commit(true);
      const results = await Promise.all(Array.from({ length: 8 }, () => store.streams.append(ref, 1, 'once', T + 20, 100)));
      expect(results.filter((r) => r.kind === 'applied')).toHaveLength(1);
      expect(results.filter((r) => r.kind === 'repeat')).toHaveLength(7);
      expect(contentOf(await read(ref))).toBe('once');
    });

    it('ends once: the first end gets the message and writes its events; later ends and new chunks change nothing', async () => {
      const ref = await commit(true);
      await store.streams.append(ref, 1, 'done soon', T + 30, 100);
      const open = await store.streams.openCount('sa');
      const reported: StoredMessage[] = [];
      const events = (m: StoredMessage) => {
        reported.push(m);
        return [];
      };
      const [a, b] = await Promise.all([store.streams.end(ref, 'done', T + 31, events), store.streams.end(ref, 'error', T + 32, events)]);
      const ended = [a, b].filter((m) => m !== undefined);
      expect(ended).toHaveLength(1);
      expect(ended[0]).toMatchObject({ streamState: STREAM_ENDED, streamChunk: 1 });
      expect(reported).toHaveLength(1);
      expect(await store.streams.openCount('sa')).toBe(open - 1);
      expect(await store.streams.append(ref, 2, 'more', T + 33, 100)).toMatchObject({ kind: 'not_open' });
      expect(await store.streams.append(ref, 1, 'done soon', T + 33, 100)).toMatchObject({ kind: 'repeat' });
      expect(contentOf(await read(ref))).toBe('done soon');
    });

    it('closes only streams idle since before the given time, oldest first, each once across racing sweeps', async () => {
      // Every stream this suite left open is older than T + 1000; these two are not.
      const busy = await commit(true);
      await store.streams.append(busy, 1, 'x', T + 2000, 100);
      const idle = await commit(true);
      const closed = (
        await Promise.all([
          store.streams.closeIdle(T + 1000, 'timeout', T + 3000, 100),
          store.streams.closeIdle(T + 1000, 'timeout', T + 3000, 100),
        ])
      ).flat();
      const keys = closed.map((m) => m.messageSeq);
      expect(new Set(keys).size).toBe(keys.length);
      expect(keys).toContain(idle.seq);
      expect(keys).not.toContain(busy.seq);
      expect(closed.every((m) => m.streamState === STREAM_ENDED && m.streamStatus === 'timeout' && m.streamAt === T + 3000)).toBe(true);
      expect((await read(busy)).streamState).toBe(STREAM_OPEN);
      expect(await store.streams.closeIdle(T + 1000, 'timeout', T + 3001, 100)).toEqual([]);
      expect(await store.streams.end(idle, 'done', T + 3002)).toBeUndefined();
    });

    it('takes no chunk into a revoked stream, and a message that is no stream is never open', async () => {
      const ref = await commit(true);
      await store.messageState.revoke(ref, 'sa', T + 40);
      expect(await store.streams.append(ref, 1, 'x', T + 41, 100)).toMatchObject({ kind: 'not_open' });
      const plain = await commit(false, 'plain');
      expect(await store.streams.append(plain, 1, 'x', T + 42, 100)).toMatchObject({ kind: 'not_open' });
      expect(await store.streams.end(plain, 'done', T + 43)).toBeUndefined();
      expect(contentOf(await read(plain))).toBe('plain');
    });
  });
}

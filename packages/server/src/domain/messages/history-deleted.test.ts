import { describeEachBackend } from '@parley/test-kit/backends';
import { type TestServer, text, useServer } from '@parley/test-kit/server';
import type { TestClient } from '@parley/test-kit/ws-client';
import { expect, it } from 'vitest';
import { HISTORY_SCAN_CAP } from './history-window.js';

interface Page {
  messages: Array<{ messageSeq: number; deleted?: true; messageId?: string }>;
  hasMoreBefore: boolean;
  hasMoreAfter: boolean;
  cursor: string | null;
}

const PAGE = 5;
const TOTAL = 60;
/** bob deletes these for himself: the newest ten, runs in the middle, and two near the start. */
const DELETED = [...span(51, 60), ...span(40, 44), 30, ...span(20, 23), 2, 3];

function span(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

type Walk = 'seq up' | 'easemob up' | 'seq down' | 'easemob down';
const WALKS: Walk[] = ['seq up', 'easemob up', 'seq down', 'easemob down'];

/** The first request of a walk and the next one after a page, or undefined at the end. */
function firstParams(walk: Walk, ids: Map<number, string>): Record<string, unknown> {
  switch (walk) {
    case 'seq up':
      return { conversationId: 'p2p|hd-a', limit: PAGE };
    case 'easemob up':
      return { targetId: 'hd-a', chatType: 'singleChat', pageSize: PAGE, cursor: -1, searchDirection: 'up' };
    case 'seq down':
      return { conversationId: 'p2p|hd-a', startSeq: 1, contain: true, direction: 'down', limit: PAGE };
    case 'easemob down':
      // Easemob pages newer from a message it has (excluded): here the first one.
      return { targetId: 'hd-a', pageSize: PAGE, cursor: ids.get(1), searchDirection: 'down' };
  }
}

function nextParams(walk: Walk, first: Record<string, unknown>, page: Page): Record<string, unknown> | undefined {
  const seqs = page.messages.map((m) => m.messageSeq);
  if (walk.startsWith('easemob')) return page.cursor ? { ...first, cursor: page.cursor } : undefined;
  if (walk === 'seq up') return page.hasMoreBefore ? { ...first, startSeq: seqs[0] } : undefined;
  return page.hasMoreAfter ? { ...first, startSeq: seqs.at(-1), contain: false } : undefined;
}

async function sendMany(t: TestServer, count: number): Promise<Map<number, string>> {
  const ids = new Map<number, string>();
  for (let start = 0; start < count; start += 100) {
    const acks = await Promise.all(
      span(start + 1, Math.min(count, start + 100)).map((n) =>
        t.adminOk('POST', '/messages', { fromUid: 'hd-a', channelId: 'hd-b', channelType: 1, payload: text(`m${n}`) }),
      ),
    );
    for (const ack of acks) ids.set(ack.messageSeq, ack.messageId);
  }
  return ids;
}

async function removeForB(b: TestClient, ids: Map<number, string>, seqs: number[]): Promise<void> {
  for (let i = 0; i < seqs.length; i += 50) {
    const messageIds = seqs.slice(i, i + 50).map((s) => ids.get(s));
    await b.request('message.removeHistory', { conversationId: 'p2p|hd-a', messageIds });
  }
}

/**
 * SPEC §2: a seq the viewer deleted comes back as a placeholder so a client can tell a deletion
 * from a gap; it must not use up the page, or a page of deletions would look like the end.
 */
await describeEachBackend('history pages past messages deleted for oneself', (backend) => {
  const server = useServer(backend, { PARLEY_SEND_RATE_PER_SEC: '0' });
  let ids = new Map<number, string>();

  it('sets up: alice sends, bob deletes some for himself', async () => {
    const t = server();
    await t.ensureUsers('hd-a', 'hd-b');
    ids = await sendMany(t, TOTAL);
    await removeForB(await t.connect('hd-b'), ids, DELETED);
  });

  for (const walk of WALKS) {
    it(`${walk}: every page holds ${PAGE} messages (the last up to ${PAGE}); every seq once, deleted ones as placeholders`, async () => {
      const t = server();
      const b = await t.connect('hd-b', walk);
      const first = firstParams(walk, ids);
      const pages: Page[] = [];
      for (let params: Record<string, unknown> | undefined = first; params && pages.length < 40; ) {
        const page = (await b.request('message.history', params)) as Page;
        pages.push(page);
        params = nextParams(walk, first, page);
      }
      const real = pages.map((p) => p.messages.filter((m) => !m.deleted).length);
      expect(
        real.slice(0, -1).every((n) => n === PAGE),
        `messages per page ${real}`,
      ).toBe(true);
      expect(real.at(-1)).toBeLessThanOrEqual(PAGE);
      for (const p of pages) {
        const seqs = p.messages.map((m) => m.messageSeq);
        expect(seqs, 'ascending and contiguous within a page').toEqual(span(seqs[0] ?? 0, (seqs[0] ?? 0) + seqs.length - 1));
      }
      const walked = (walk.endsWith('up') ? [...pages].reverse() : pages).flatMap((p) => p.messages);
      // The down walks start after seq 1 (Easemob: the cursor is excluded) or at it.
      const expected = span(walk === 'easemob down' ? 2 : 1, TOTAL);
      expect(walked.map((m) => m.messageSeq)).toEqual(expected);
      expect(walked.filter((m) => m.deleted).map((m) => m.messageSeq)).toEqual(expected.filter((s) => DELETED.includes(s)));
    });
  }

  it('bounds one page by the scan cap and goes on past it', async () => {
    const t = server();
    await t.ensureUsers('hd-a', 'hd-c');
    const count = HISTORY_SCAN_CAP + 30;
    const seqIds = new Map<number, string>();
    for (let start = 0; start < count; start += 100) {
      const acks = await Promise.all(
        span(start + 1, Math.min(count, start + 100)).map((n) =>
          t.adminOk('POST', '/messages', { fromUid: 'hd-a', channelId: 'hd-c', channelType: 1, payload: text(`c${n}`) }),
        ),
      );
      for (const ack of acks) seqIds.set(ack.messageSeq, ack.messageId);
    }
    const c = await t.connect('hd-c');
    // Everything but the first five deleted: more than one request may look at.
    const deleted = span(6, count);
    for (let i = 0; i < deleted.length; i += 50) {
      const messageIds = deleted.slice(i, i + 50).map((s) => seqIds.get(s));
      await c.request('message.removeHistory', { conversationId: 'p2p|hd-a', messageIds });
    }
    const first = (await c.request('message.history', { targetId: 'hd-a', pageSize: 5 })) as Page;
    expect(first.messages).toHaveLength(HISTORY_SCAN_CAP);
    expect(first.messages.every((m) => m.deleted)).toBe(true);
    expect([first.messages[0]?.messageSeq, first.hasMoreBefore, first.hasMoreAfter]).toEqual([31, true, false]);
    const bySeq = (await c.request('message.history', { conversationId: 'p2p|hd-a', startSeq: 31, limit: 5 })) as Page;
    const byCursor = (await c.request('message.history', { targetId: 'hd-a', pageSize: 5, cursor: first.cursor })) as Page;
    for (const page of [bySeq, byCursor]) {
      expect(page.messages.map((m) => m.messageSeq)).toEqual(span(1, 30));
      expect(page.messages.filter((m) => !m.deleted).map((m) => m.messageSeq)).toEqual(span(1, 5));
      expect([page.hasMoreBefore, page.hasMoreAfter]).toEqual([false, true]);
    }
    expect(byCursor.cursor).toBeNull();
  });
});

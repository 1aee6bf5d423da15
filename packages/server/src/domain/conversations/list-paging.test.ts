import { describeEachBackend } from '@parley/test-kit/backends';
import { type TestServer, text, useServer } from '@parley/test-kit/server';
import type { TestClient } from '@parley/test-kit/ws-client';
import { expect, it } from 'vitest';

interface Page {
  conversations: Array<{ conversationId: string; updateTime: number }>;
  hasMore: boolean;
  cursor: string | null;
}

type Params = Record<string, unknown>;

/** One way a client pages the whole list: its first request and how it asks for the next page. */
interface Walk {
  name: string;
  first: Params;
  next(page: Page, params: Params): Params | undefined;
  /**
   * NIM's incremental form: after the walk, `minTimestamp` = the newest updateTime of its first page
   * asks for what changed meanwhile (paged by maxTimestamp within that window).
   */
  catchUp?: boolean;
}

/** NIM pages down with `maxTimestamp` = the oldest updateTime of the last page (iOS: that minus 1). */
const byMaxTimestamp =
  (minus: number) =>
  (page: Page, params: Params): Params | undefined => {
    const oldest = page.conversations.at(-1)?.updateTime;
    return oldest === undefined ? undefined : { ...params, maxTimestamp: oldest - minus };
  };
const byCursor = (page: Page, params: Params): Params | undefined => (page.cursor ? { ...params, cursor: page.cursor } : undefined);

/** NIM passes its flags as integers: needLastMsg 0, hasMore 1 (accepted and ignored). */
const nim = { limit: 5, needLastMsg: 0, hasMore: 1 };
const WALKS: Walk[] = [
  { name: 'nim: maxTimestamp = currentMin', first: nim, next: byMaxTimestamp(0) },
  { name: 'nim (iOS): maxTimestamp = currentMin - 1', first: nim, next: byMaxTimestamp(1) },
  { name: 'nim: maxTimestamp walk, then minTimestamp for what moved meanwhile', first: nim, next: byMaxTimestamp(0), catchUp: true },
  { name: 'easemob: pageSize + cursor', first: { pageSize: 5, needLastMsg: false }, next: byCursor },
  { name: 'parley: limit + cursor', first: { limit: 5, needLastMsg: false }, next: byCursor },
];

/**
 * Walks a user's whole list five at a time in each paging form, while messages keep arriving: in a
 * conversation already seen, in one not seen yet, and in a brand-new one. No conversation may be
 * seen twice, and every one that existed before the walk and did not move meanwhile must be seen
 * (with NIM's minTimestamp catch-up, the ones that moved too). Forty conversations get their
 * messages in the same millisecond: the case that made NIM's timestamp windows skip up to half the list.
 */
await describeEachBackend('conversation list paging while messages arrive', (backend) => {
  const server = useServer(backend, { PARLEY_SEND_RATE_PER_SEC: '0' });

  for (const [index, walk] of WALKS.entries()) {
    it(`${walk.name}: no conversation skipped or repeated`, async () => {
      const t = server();
      const me = `lp-${index}`;
      const peers = Array.from({ length: 40 }, (_, i) => `${me}-p${i}`);
      await t.ensureUsers(me, ...peers);
      t.frozenAt = Date.now();
      await Promise.all(peers.map((p) => say(t, p, me, 'same millisecond')));
      const existing = peers.map((p) => `p2p|${p}`);
      const client = await t.connect(me);
      const seen: string[] = [];
      const moved = new Set<string>();
      const pages: Page[] = [];
      let params: Params | undefined = walk.first;
      for (let round = 0; params && round < 40; round++) {
        const page = (await client.request('conversation.list', params)) as Page;
        pages.push(page);
        seen.push(...page.conversations.map((c) => c.conversationId));
        // Meanwhile: one seen conversation and one not yet seen move to the top, and a new one starts.
        const unseen = peers.find((p) => !seen.includes(`p2p|${p}`) && !moved.has(`p2p|${p}`));
        for (const peer of [peers[round % peers.length], unseen]) {
          if (!peer) continue;
          moved.add(`p2p|${peer}`);
          await say(t, peer, me, 'meanwhile');
        }
        const newcomer = `${me}-new${round}`;
        await t.ensureUsers(newcomer);
        await say(t, newcomer, me, 'hello');
        params = walk.next(page, params);
      }
      expect(repeats(seen), 'seen twice').toEqual([]);
      let covered = new Set(seen);
      if (walk.catchUp) {
        const since = pages[0]?.conversations[0]?.updateTime ?? 0;
        const caught = await catchUp(client, walk, since);
        expect(repeats(caught), 'caught up twice').toEqual([]);
        expect(
          [...moved].filter((id) => !caught.includes(id)),
          'moved but not caught up',
        ).toEqual([]);
        covered = new Set([...seen, ...caught]);
      }
      const owed = existing.filter((id) => walk.catchUp || !moved.has(id));
      expect(
        owed.filter((id) => !covered.has(id)),
        'skipped',
      ).toEqual([]);
      t.frozenAt = undefined;
      await listIsSpaced(client);
    });
  }
});

const say = (t: TestServer, from: string, to: string, content: string) =>
  t.adminOk('POST', '/messages', { fromUid: from, channelId: to, channelType: 1, payload: text(content) });

const repeats = (ids: string[]) => ids.filter((id, i) => ids.indexOf(id) !== i);

/** What changed since `since`: `minTimestamp` = since, paged down by maxTimestamp inside that window. */
async function catchUp(client: TestClient, walk: Walk, since: number): Promise<string[]> {
  const caught: string[] = [];
  let params: Params | undefined = { ...walk.first, minTimestamp: since };
  for (let round = 0; params && round < 40; round++) {
    const page = (await client.request('conversation.list', params)) as Page;
    caught.push(...page.conversations.map((c) => c.conversationId));
    params = walk.next(page, params);
  }
  return caught;
}

/** Every updateTime of the user's list is its own, and at least 2 ms from its neighbours. */
async function listIsSpaced(client: TestClient): Promise<void> {
  const all = ((await client.request('conversation.list', { limit: 100, needLastMsg: false })) as Page).conversations;
  for (let i = 1; i < all.length; i++) {
    expect((all[i - 1]?.updateTime ?? 0) - (all[i]?.updateTime ?? 0)).toBeGreaterThanOrEqual(2);
  }
}

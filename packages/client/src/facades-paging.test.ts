import { sqliteBackend } from '@parley/test-kit/backends';
import { freePort } from '@parley/test-kit/free-port';
import { TestServer } from '@parley/test-kit/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EasemobConnection } from './easemob/index.js';
import { connect, type ParleyClient } from './index.js';
import { NimCore } from './nim/index.js';

interface Facades {
  nim: NimCore;
  easemob: EasemobConnection;
}

/** One way to page the whole list: calls `between` after every page, answers the ids in the order seen. */
interface PagingForm {
  name: string;
  walk(f: Facades, between: (seen: readonly string[]) => Promise<void>): Promise<string[]>;
  /** What changed since the walk began, the way an app of that vendor asks: NIM by minTimestamp, Easemob by the first page. */
  since(f: Facades, walkStart: number): Promise<string[]>;
}

const nimSince = async (f: Facades, walkStart: number) =>
  (await f.nim.messageService.queryMySessionList(walkStart, 0, 0, 100, 0)).data?.sessionList.map((s) => s.sessionId) ?? [];
const easemobSince = async (f: Facades) =>
  (await f.easemob.getServerConversations({ pageSize: 50 })).data.conversations.map((c) => `p2p|${c.conversationId}`);

/** NIM's time windows: the next page is everything updated before the oldest seen (`min`, or `min - 1` as the iOS sample writes it). */
function nimWindows(
  name: string,
  page: (f: Facades, maxTimestamp: number) => Promise<{ ids: string[]; times: number[]; hasMore: boolean }>,
  minus: 0 | 1,
): PagingForm {
  return {
    name,
    async walk(f, between) {
      const seen: string[] = [];
      let maxTimestamp = 0;
      for (;;) {
        const { ids, times, hasMore } = await page(f, maxTimestamp);
        seen.push(...ids);
        if (!hasMore || ids.length === 0) return seen;
        maxTimestamp = Math.min(...times) - minus;
        await between(seen);
      }
    },
    since: nimSince,
  };
}

function easemobCursor(name: string, pageSize: number | undefined): PagingForm {
  return {
    name,
    async walk(f, between) {
      const seen: string[] = [];
      let cursor = '';
      for (;;) {
        const { data } = await f.easemob.getServerConversations(pageSize === undefined && cursor ? { cursor } : { pageSize, cursor });
        seen.push(...data.conversations.map((c) => `p2p|${c.conversationId}`));
        if (data.cursor === '') return seen;
        cursor = data.cursor;
        await between(seen);
      }
    },
    since: easemobSince,
  };
}

const forms: PagingForm[] = [
  nimWindows(
    'NIM Flutter queryMySessionList(0, maxTimestamp = min, 1, 7, 0)',
    async (f, max) => {
      const { data } = await f.nim.messageService.queryMySessionList(0, max, 1, 7, 0);
      const list = data?.sessionList ?? [];
      return { ids: list.map((s) => s.sessionId), times: list.map((s) => s.updateTime), hasMore: data?.hasMore ?? false };
    },
    0,
  ),
  nimWindows(
    'NIM Android queryMySessionList({maxTimestamp: min - 1, limit: 6, needLastMsg: 0})',
    async (f, max) => {
      const { data } = await f.nim.messageService.queryMySessionList({ maxTimestamp: max, limit: 6, needLastMsg: 0 });
      const list = data?.sessionList ?? [];
      return { ids: list.map((s) => s.sessionId), times: list.map((s) => s.updateTime), hasMore: data?.hasMore ?? false };
    },
    1,
  ),
  nimWindows(
    'NIM iOS fetchServerSessions({maxTimestamp: currentMin - 1, limit: 9})',
    async (f, max) => {
      const { data } = await f.nim.conversationManager.fetchServerSessions({ maxTimestamp: max, limit: 9, needLastMessage: true });
      const list = data?.recentSessions ?? [];
      const ids = list.map((s) => `p2p|${s.session.sessionId}`);
      return { ids, times: list.map((s) => s.updateTime), hasMore: data?.hasMore ?? false };
    },
    1,
  ),
  easemobCursor('Easemob getServerConversations({pageSize: 7, cursor})', 7),
  easemobCursor('Easemob getServerConversations({cursor}), the default 20', undefined),
];

/**
 * Every paging form of the facades walks a 45-conversation list while messages keep arriving: in
 * conversations already seen (they move to the top: never shown twice), in conversations not reached
 * yet (they move past the walk: the vendor's "what changed since" call finds them) and between other
 * users. No conversation is repeated and none is lost.
 */
describe('paging the whole list through the facades while messages arrive', () => {
  let t: TestServer;
  const clients: ParleyClient[] = [];
  let f: Facades;
  const peers = Array.from({ length: 45 }, (_, i) => `peer-${String(i).padStart(2, '0')}`);
  const say = (fromUid: string, channelId: string, content: string) =>
    t.adminOk('POST', '/messages', { fromUid, channelId, channelType: 1, payload: { type: 1, content } });

  beforeAll(async () => {
    t = await TestServer.start(sqliteBackend, { PORT: String(await freePort()), PARLEY_SEND_RATE_PER_SEC: '0' });
    await t.adminOk('POST', '/users/batch', { users: [...peers, 'walker', 'noise-a', 'noise-b'].map((uid) => ({ uid })) });
    for (const peer of peers) await say(peer, 'walker', 'hello');
    const client = await connect({ url: t.url, token: await t.token('walker'), deviceId: 'walk' });
    clients.push(client);
    f = { nim: NimCore.over(client), easemob: EasemobConnection.over(client) };
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await t.close();
  });

  it.each(forms)('$name: no skip, no repeat', async (form) => {
    const all = peers.map((p) => `p2p|${p}`);
    const touchedBeforeSeen = new Set<string>();
    const touched = new Set<string>();
    let round = 0;
    const walkStart = Date.now();
    const between = async (seen: readonly string[]) => {
      round++;
      const seenOne = seen[round % seen.length] as string;
      const ahead = all.filter((id) => !seen.includes(id) && !touched.has(id));
      const notYet = ahead[ahead.length - 1 - (round % Math.max(1, ahead.length))];
      for (const id of [seenOne, notYet]) {
        if (!id) continue;
        if (!seen.includes(id)) touchedBeforeSeen.add(id);
        touched.add(id);
        await say(id.slice('p2p|'.length), 'walker', `round ${round}`);
      }
      await say('noise-a', 'noise-b', `round ${round}`);
    };
    const walked = await form.walk(f, between);
    expect(round).toBeGreaterThan(1);
    expect(walked.length).toBe(new Set(walked).size);
    // Untouched conversations, and those touched after they were shown, appear exactly once.
    expect(walked.filter((id) => !touchedBeforeSeen.has(id)).sort()).toEqual(all.filter((id) => !touchedBeforeSeen.has(id)).sort());
    const since = await form.since(f, walkStart);
    for (const id of touched) expect(since).toContain(id);
    expect(new Set([...walked, ...since])).toEqual(new Set(all));
  });
});

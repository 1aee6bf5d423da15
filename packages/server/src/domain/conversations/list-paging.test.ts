import { describeEachBackend } from '@parley/test-kit/backends';
import { text, useServer } from '@parley/test-kit/server';
import type { TestClient } from '@parley/test-kit/ws-client';
import { expect, it } from 'vitest';

interface Page {
  conversations: Array<{ conversationId: string; updateTime: number }>;
  hasMore: boolean;
  cursor: string | null;
}

type Walk = 'nim: maxTimestamp = oldest' | 'nim (iOS): maxTimestamp = oldest - 1' | 'cursor';
const WALKS: Walk[] = ['nim: maxTimestamp = oldest', 'nim (iOS): maxTimestamp = oldest - 1', 'cursor'];

/**
 * Walks a user's whole list five at a time in each paging form, while messages keep arriving in
 * some conversations, and checks that no conversation is seen twice and every one that did not
 * move meanwhile is seen. Forty conversations get their messages in the same millisecond: the
 * case that made NIM's timestamp windows skip up to half the list.
 */
await describeEachBackend('conversation list paging while messages arrive', (backend) => {
  const server = useServer(backend, { PARLEY_SEND_RATE_PER_SEC: '0' });

  for (const walk of WALKS) {
    it(`${walk}: no conversation skipped or repeated`, async () => {
      const t = server();
      const me = `lp-${WALKS.indexOf(walk)}`;
      const peers = Array.from({ length: 40 }, (_, i) => `${me}-p${i}`);
      await t.ensureUsers(me, ...peers);
      t.frozenAt = Date.now();
      await Promise.all(
        peers.map((p) => t.adminOk('POST', '/messages', { fromUid: p, channelId: me, channelType: 1, payload: text('same millisecond') })),
      );
      const client = await t.connect(me);
      const seen: string[] = [];
      const moved = new Set<string>();
      let params: Record<string, unknown> = { limit: 5, needLastMsg: false };
      for (let round = 0; round < 40; round++) {
        const page = (await client.request('conversation.list', params)) as Page;
        seen.push(...page.conversations.map((c) => c.conversationId));
        // Two conversations move to the top meanwhile: one already seen, one not yet.
        const unseen = peers.find((p) => !seen.includes(`p2p|${p}`) && !moved.has(`p2p|${p}`));
        for (const peer of [peers[round % peers.length], unseen]) {
          if (!peer) continue;
          moved.add(`p2p|${peer}`);
          await t.adminOk('POST', '/messages', { fromUid: peer, channelId: me, channelType: 1, payload: text('meanwhile') });
        }
        const next = nextParams(walk, page);
        if (!next) break;
        params = { ...params, ...next };
      }
      t.frozenAt = undefined;
      expect(
        seen.filter((id, i) => seen.indexOf(id) !== i),
        'seen twice',
      ).toEqual([]);
      const owed = peers.map((p) => `p2p|${p}`).filter((id) => !moved.has(id));
      expect(
        owed.filter((id) => !seen.includes(id)),
        'skipped',
      ).toEqual([]);
      await listIsSpaced(client);
    });
  }
});

/** The next request of a walk, or undefined at the end. */
function nextParams(walk: Walk, page: Page): Record<string, unknown> | undefined {
  if (walk === 'cursor') return page.cursor ? { cursor: page.cursor } : undefined;
  const oldest = page.conversations.at(-1)?.updateTime;
  if (oldest === undefined) return undefined;
  return { maxTimestamp: walk.startsWith('nim (iOS)') ? oldest - 1 : oldest };
}

/** Every updateTime of the user's list is its own, and at least 2 ms from its neighbours. */
async function listIsSpaced(client: TestClient): Promise<void> {
  const all = ((await client.request('conversation.list', { limit: 100, needLastMsg: false })) as Page).conversations;
  for (let i = 1; i < all.length; i++) {
    expect((all[i - 1]?.updateTime ?? 0) - (all[i]?.updateTime ?? 0)).toBeGreaterThanOrEqual(2);
  }
}

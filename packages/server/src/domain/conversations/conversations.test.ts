import { describeEachBackend } from '@parley/test-kit/backends';
import { clientMsgNo, text, useServer } from '@parley/test-kit/server';
import type { TestClient } from '@parley/test-kit/ws-client';
import { expect, it } from 'vitest';

const dm = (client: TestClient, to: string, content: string, extra: Record<string, unknown> = {}) =>
  client.request('message.send', { channelId: to, channelType: 1, clientMsgNo: clientMsgNo(), payload: text(content), ...extra });
const toGroup = (client: TestClient, groupId: string, channelType: 2 | 3, content: string, extra: Record<string, unknown> = {}) =>
  client.request('message.send', { channelId: groupId, channelType, clientMsgNo: clientMsgNo(), payload: text(content), ...extra });
const ids = (result: { conversations: Array<{ conversationId: string }> }) => result.conversations.map((c) => c.conversationId);

/** Every page of the list, following cursors. */
async function listAll(client: TestClient, params: Record<string, unknown>): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.request('conversation.list', cursor ? { ...params, cursor } : params);
    seen.push(...ids(page));
    cursor = page.cursor ?? undefined;
  } while (cursor);
  return seen;
}

await describeEachBackend('conversation service', (backend) => {
  const server = useServer(backend, { PARLEY_SEND_RATE_PER_SEC: '0', PARLEY_MAX_PINNED: '3' });

  it('shows a message in the list right after its ack, on both sides, with exact fields', async () => {
    const t = server();
    await t.ensureUsers('cl-a', 'cl-b');
    const a = await t.connect('cl-a');
    const b = await t.connect('cl-b');
    const ack = await dm(a, 'cl-b', 'hello');
    const [mine] = (await a.request('conversation.list', {})).conversations;
    expect(mine).toMatchObject({
      conversationId: 'p2p|cl-b',
      channelId: 'cl-b',
      channelType: 1,
      unreadCount: 0,
      readSeq: 1,
      lastMsgSeq: 1,
      lastMsgType: 0,
      revokeNotification: null,
      isPinned: false,
      mentionedMe: false,
      ext: '',
    });
    expect(mine.lastMsg).toMatchObject({ messageId: ack.messageId, channelId: 'cl-b', payload: { content: 'hello' } });
    expect(mine.updateTime).toBe(ack.timestamp);
    const theirs = (await b.request('conversation.get', { conversationId: 'p2p|cl-a' })) as any;
    expect(theirs).toMatchObject({ channelId: 'cl-a', unreadCount: 1, readSeq: 0, lastMsgSeq: 1, lastMsg: { channelId: 'cl-a' } });
    expect(await b.request('conversation.get', { channelId: 'cl-a', channelType: 1 })).toEqual(theirs);
    const rest = await t.http('GET', `/v1/conversations/${encodeURIComponent('p2p|cl-a')}`, { token: await t.token('cl-b') });
    expect(rest.body).toEqual(theirs);
    // live: both sides got conversation.updated, the sending device included
    const pushed = await b.waitForEvent('conversation.updated', (d) => d.conversation.conversationId === 'p2p|cl-a');
    expect(pushed.data).toMatchObject({ version: theirs.version, conversation: { unreadCount: 1, lastMsg: { messageId: ack.messageId } } });
    await a.waitForEvent('conversation.updated', (d) => d.conversation.conversationId === 'p2p|cl-b' && d.conversation.unreadCount === 0);
  });

  it("never counts the sender's own message as unread, on any device, also after reconnecting", async () => {
    const t = server();
    await t.ensureUsers('own-a', 'own-b');
    const phone = await t.connect('own-a', 'phone');
    const b = await t.connect('own-b');
    await dm(b, 'own-a', 'question?');
    await dm(phone, 'own-b', 'answer');
    const laptop = await t.connect('own-a', 'laptop');
    for (const device of [phone, laptop]) {
      expect((await device.request('conversation.get', { conversationId: 'p2p|own-b' })).unreadCount).toBe(0);
      expect((await device.request('conversation.totalUnread')).totalUnread).toBe(0);
    }
    await laptop.close();
    const again = await t.connect('own-a', 'laptop');
    expect((await again.request('conversation.list', {})).conversations[0].unreadCount).toBe(0);
    expect((await b.request('conversation.get', { conversationId: 'p2p|own-a' })).unreadCount).toBe(1);
  });

  it('counts unread exactly: redDot=false and noPersist never count, a fresh device sees the same', async () => {
    const t = server();
    await t.ensureUsers('un-a', 'un-b');
    const a = await t.connect('un-a');
    await dm(a, 'un-b', 'one');
    await dm(a, 'un-b', 'typing', { payload: { type: 1000, typing: true }, header: { noPersist: true } });
    await dm(a, 'un-b', 'cmd', { payload: { type: 1001 }, header: { redDot: false } });
    await dm(a, 'un-b', 'two');
    const first = await t.connect('un-b', 'old');
    const fresh = await t.connect('un-b', 'brand-new');
    for (const device of [first, fresh]) {
      const c = await device.request('conversation.get', { conversationId: 'p2p|un-a' });
      expect([c.unreadCount, c.lastMsgSeq]).toEqual([2, 3]);
      expect((await device.request('conversation.totalUnread')).totalUnread).toBe(2);
    }
    expect((await t.http('GET', '/v1/conversations/unread', { token: await t.token('un-b') })).body).toEqual({
      totalUnread: 2,
      unmutedUnread: 2,
    });
  });

  it('moves read positions forward only: a stale markRead from a slow device is ignored', async () => {
    const t = server();
    await t.ensureUsers('mr-a', 'mr-b');
    const a = await t.connect('mr-a');
    for (const n of [1, 2, 3, 4]) await dm(a, 'mr-b', `m${n}`);
    const b = await t.connect('mr-b');
    const read3 = await b.request('conversation.markRead', { conversationId: 'p2p|mr-a', seq: 3 });
    expect([read3.readSeq, read3.unreadCount]).toEqual([3, 1]);
    const stale = await b.request('conversation.markRead', { conversationId: 'p2p|mr-a', seq: 1 });
    expect([stale.readSeq, stale.unreadCount, stale.version]).toEqual([3, 1, read3.version]);
    const all = await t.http('POST', `/v1/conversations/${encodeURIComponent('p2p|mr-a')}/read`, {
      token: await t.token('mr-b'),
      body: {},
    });
    expect([all.body.readSeq, all.body.unreadCount]).toEqual([4, 0]);
    const beyond = await b.request('conversation.markRead', { conversationId: 'p2p|mr-a', seq: 99 });
    expect(beyond.readSeq).toBe(4);
  });

  it('gives messages of one millisecond distinct updateTimes in arrival order, paged with no skip and no repeat', async () => {
    const t = server();
    const peers = ['eq-1', 'eq-2', 'eq-3', 'eq-4', 'eq-5'];
    await t.ensureUsers('eq-me', ...peers);
    t.frozenAt = Date.now();
    try {
      for (const p of peers) await dm(await t.connect(p, 'eq'), 'eq-me', 'same time');
    } finally {
      t.frozenAt = undefined;
    }
    const me = await t.connect('eq-me');
    const first = await me.request('conversation.list', { pageSize: 2 });
    const [newest, next] = first.conversations as Array<{ updateTime: number }>;
    expect((newest?.updateTime ?? 0) - (next?.updateTime ?? 0)).toBe(2);
    const newestFirst = peers.map((p) => `p2p|${p}`).reverse();
    expect(await listAll(me, { pageSize: 2 })).toEqual(newestFirst);
    expect(await listAll(me, { limit: 3 })).toEqual(newestFirst);
  });

  it('pages while new messages arrive without skipping or repeating, and the first page’s sync token catches the movers', async () => {
    const t = server();
    const peers = Array.from({ length: 12 }, (_, i) => `pw-${String(i).padStart(2, '0')}`);
    await t.ensureUsers('pw-me', ...peers);
    const clients = new Map<string, TestClient>();
    for (const p of peers) {
      clients.set(p, await t.connect(p, 'pw'));
      await dm(clients.get(p) as TestClient, 'pw-me', `hi from ${p}`);
    }
    const me = await t.connect('pw-me');
    const seen: string[] = [];
    let page = await me.request('conversation.list', { pageSize: 4 });
    const token = page.syncToken;
    seen.push(...ids(page));
    const movers = ['pw-00', 'pw-05']; // one already seen, one not yet
    for (const m of movers) await dm(clients.get(m) as TestClient, 'pw-me', 'news');
    while (page.cursor) {
      page = await me.request('conversation.list', { pageSize: 4, cursor: page.cursor });
      seen.push(...ids(page));
    }
    expect(new Set(seen).size).toBe(seen.length);
    for (const p of peers.filter((p) => !movers.includes(p))) expect(seen).toContain(`p2p|${p}`);
    const sync = await me.request('conversation.sync', { since: token });
    expect(sync.changes.map((c: { conversationId: string }) => c.conversationId).sort()).toEqual(movers.map((m) => `p2p|${m}`));
    expect(new Set([...seen, ...sync.changes.map((c: { conversationId: string }) => c.conversationId)]).size).toBe(peers.length);
  });

  it('deletes on device A: gone on B live and after B’s offline sync; comes back with only newer messages after deleteRoam', async () => {
    const t = server();
    await t.ensureUsers('del-a', 'del-b');
    const peer = await t.connect('del-b');
    await dm(peer, 'del-a', 'old 1');
    await dm(peer, 'del-a', 'old 2');
    const devA = await t.connect('del-a', 'A');
    const devB = await t.connect('del-a', 'B');
    const offline = await t.connect('del-a', 'offline');
    const token = (await offline.request('conversation.sync', {})).syncToken;
    await offline.close();

    const result = await devA.request('conversation.delete', { conversationIds: ['p2p|del-b', 'p2p|nobody-here'], deleteRoam: true });
    expect(result.results[0]).toMatchObject({ conversationId: 'p2p|del-b', ok: true });
    expect(result.results[1]).toMatchObject({ ok: false, error: { code: 'conversation.not_found' } });
    const gone = await devB.waitForEvent('conversation.deleted', (d) => d.conversationId === 'p2p|del-b');
    expect(gone.data.version).toBe(result.results[0].version);
    await devB.waitForEvent('multiDevice.deleteRoaming');
    expect(ids(await devB.request('conversation.list', {}))).not.toContain('p2p|del-b');
    await expect(devB.request('conversation.get', { conversationId: 'p2p|del-b' })).rejects.toMatchObject({
      code: 'conversation.not_found',
    });

    const back = await t.connect('del-a', 'offline');
    const sync = await back.request('conversation.sync', { since: token });
    expect(sync.changes).toContainEqual({ conversationId: 'p2p|del-b', deleted: true, version: result.results[0].version });
    expect(ids(await (await t.connect('del-a', 'new-device')).request('conversation.list', {}))).not.toContain('p2p|del-b');

    await dm(peer, 'del-a', 'new one');
    const revived = await devB.request('conversation.get', { conversationId: 'p2p|del-b' });
    expect(revived).toMatchObject({ unreadCount: 1, lastMsg: { payload: { content: 'new one' } } });
    const recents = (await devB.request('conversation.list', { msgCount: 5 })).conversations.find(
      (c: { conversationId: string }) => c.conversationId === 'p2p|del-b',
    );
    expect(recents.recents.map((m: { payload: { content: string } }) => m.payload.content)).toEqual(['new one']);
    // the peer's side is untouched by a one-sided delete
    expect((await peer.request('conversation.list', { msgCount: 5 })).conversations[0].recents).toHaveLength(3);
  });

  it('detects a version gap and repairs it with sync', async () => {
    const t = server();
    await t.ensureUsers('gap-a', 'gap-b', 'gap-c');
    const me = await t.connect('gap-a', 'main');
    const start = (await me.request('conversation.sync', {})).syncToken;
    const b = await t.connect('gap-b');
    const c = await t.connect('gap-c');
    await dm(b, 'gap-a', 'one');
    await me.close(); // misses the next events
    await dm(c, 'gap-a', 'two');
    await dm(b, 'gap-a', 'three');
    const back = await t.connect('gap-a', 'main');
    await dm(c, 'gap-a', 'four');
    const live = await back.waitForEvent('conversation.updated', (d) => d.conversation.conversationId === 'p2p|gap-c');
    const before = me.eventsOf('conversation.updated').map((d) => d.version);
    expect(live.data.version).toBeGreaterThan(Math.max(...before) + 1); // the gap a client detects
    const sync = await back.request('conversation.sync', { since: start });
    expect(sync).toMatchObject({ reset: false, hasMore: false });
    const byId = Object.fromEntries(sync.changes.map((x: { conversationId: string }) => [x.conversationId, x]));
    expect(byId['p2p|gap-b']).toMatchObject({ unreadCount: 2, lastMsg: { payload: { content: 'three' } } });
    expect(byId['p2p|gap-c']).toMatchObject({ unreadCount: 2, version: live.data.version });
    const again = await back.request('conversation.sync', { since: sync.syncToken });
    expect(again.changes).toEqual([]);
    // read-your-writes: the token after an acked write includes it
    await dm(back, 'gap-b', 'reply');
    expect(
      (await back.request('conversation.sync', { since: sync.syncToken })).changes.map((x: { conversationId: string }) => x.conversationId),
    ).toEqual(['p2p|gap-b']);
    expect((await back.request('conversation.sync', { since: 'Zm9v' }).catch((e) => e)).code).toBe('sync.invalid_token');
    const foreign = Buffer.from(JSON.stringify({ v: 1, c: 0, e: 'another-database' })).toString('base64url');
    expect(await back.request('conversation.sync', { since: foreign })).toMatchObject({ reset: true, changes: [] });
  });

  it('creates a conversation without lastMsg on updateExt, keeps ext private, refuses oversize ext', async () => {
    const t = server();
    await t.ensureUsers('ext-a', 'ext-b');
    const a = await t.connect('ext-a');
    const created = await a.request('conversation.updateExt', { conversationId: 'p2p|ext-b', ext: '{"note":"call back"}' });
    expect(created).toMatchObject({
      conversationId: 'p2p|ext-b',
      lastMsg: null,
      lastMsgSeq: 0,
      ext: '{"note":"call back"}',
      unreadCount: 0,
    });
    expect(created.updateTime).toBeGreaterThan(0);
    expect(ids(await a.request('conversation.list', {}))).toContain('p2p|ext-b');
    const b = await t.connect('ext-b');
    await dm(b, 'ext-a', 'hi');
    expect((await b.request('conversation.get', { conversationId: 'p2p|ext-a' })).ext).toBe('');
    expect((await a.request('conversation.get', { conversationId: 'p2p|ext-b' })).ext).toBe('{"note":"call back"}');
    const before = await t.rowCounts();
    const big = await t.http('PUT', `/v1/conversations/${encodeURIComponent('p2p|ext-b')}/ext`, {
      token: await t.token('ext-a'),
      body: { ext: 'é'.repeat(513) },
    });
    expect(big).toMatchObject({ status: 400, body: { code: 'conversation.ext_too_large' } });
    expect(await t.rowCounts()).toEqual(before);
    expect((await a.request('conversation.get', { conversationId: 'p2p|ext-b' })).ext).toBe('{"note":"call back"}');
  });

  it('pins idempotently, lists pinned newest first, refuses one over the limit, and tells every device', async () => {
    const t = server();
    const peers = ['pin-1', 'pin-2', 'pin-3', 'pin-4'];
    await t.ensureUsers('pin-me', ...peers);
    for (const p of peers) await dm(await t.connect(p, 'pin'), 'pin-me', 'hey');
    const me = await t.connect('pin-me');
    const other = await t.connect('pin-me', 'other');
    for (const p of peers.slice(0, 3)) await me.request('conversation.pin', { conversationId: `p2p|${p}`, isPinned: true });
    const again = await me.request('conversation.pin', { conversationId: 'p2p|pin-1', isPinned: true });
    expect(again.isPinned).toBe(true);
    await expect(me.request('conversation.pin', { conversationId: 'p2p|pin-4', isPinned: true })).rejects.toMatchObject({
      code: 'conversation.pin_limit',
    });
    expect((await me.request('conversation.get', { conversationId: 'p2p|pin-4' })).isPinned).toBe(false);
    const pinned = await t.http('GET', '/v1/conversations/pinned', { token: await t.token('pin-me') });
    expect(pinned.body.conversations.map((c: { conversationId: string }) => c.conversationId).sort()).toEqual([
      'p2p|pin-1',
      'p2p|pin-2',
      'p2p|pin-3',
    ]);
    await other.waitForEvent('multiDevice.pinnedConversation', (d) => d.conversationId === 'p2p|pin-3');
    await me.request('conversation.pin', { conversationId: 'p2p|pin-2', isPinned: false });
    await other.waitForEvent('multiDevice.unpinnedConversation', (d) => d.conversationId === 'p2p|pin-2');
    expect(ids(await me.request('conversation.listPinned', {})).sort()).toEqual(['p2p|pin-1', 'p2p|pin-3']);
  });

  it('refuses unknown, malformed and foreign conversations with a clear error and changes nothing', async () => {
    const t = server();
    await t.ensureUsers('fo-a', 'fo-b', 'fo-out');
    await t.adminOk('POST', '/groups', { groupId: 'fo-g', channelType: 2, ownerUid: 'fo-a', members: ['fo-b'] });
    await t.adminOk('POST', '/groups', { groupId: 'fo-sg', channelType: 3, ownerUid: 'fo-a', members: ['fo-b'] });
    const out = await t.connect('fo-out');
    const before = await t.rowCounts();
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['conversation.get', { conversationId: 'team|fo-g' }, 'conversation.forbidden'],
      ['conversation.get', { conversationId: 'super_team|fo-sg' }, 'conversation.forbidden'],
      ['conversation.updateExt', { conversationId: 'team|fo-g', ext: 'x' }, 'conversation.forbidden'],
      ['conversation.pin', { conversationId: 'super_team|fo-sg', isPinned: true }, 'conversation.forbidden'],
      ['conversation.markRead', { conversationId: 'team|fo-g' }, 'conversation.forbidden'],
      ['conversation.get', { conversationId: 'p2p|nobody' }, 'conversation.not_found'],
      ['conversation.get', { conversationId: 'team|no-group' }, 'conversation.not_found'],
      ['conversation.get', { conversationId: 'team|fo-sg' }, 'conversation.not_found'],
      ['conversation.get', { conversationId: 'P2P|fo-a' }, 'request.invalid'],
      ['conversation.get', { conversationId: 'p2p|bad id' }, 'request.invalid'],
      ['conversation.get', {}, 'conversation.invalid_id'],
      ['conversation.get', { channelId: 'fo-g' }, 'conversation.invalid_id'],
      ['conversation.list', { limit: 101 }, 'request.invalid'],
      ['conversation.list', { pageSize: 51 }, 'request.invalid'],
      ['conversation.list', { cursor: 'garbage' }, 'request.invalid'],
      ['conversation.delete', { conversationIds: [] }, 'request.invalid'],
      ['message.history', { conversationId: 'team|fo-g' }, 'conversation.forbidden'],
      ['message.history', { conversationId: 'super_team|fo-sg' }, 'conversation.forbidden'],
      ['message.removeHistory', { conversationId: 'team|fo-g', beforeTimestamp: Date.now() }, 'conversation.forbidden'],
    ];
    for (const [method, params, code] of cases) {
      await expect(out.request(method, params), `${method} ${JSON.stringify(params)}`).rejects.toMatchObject({ code });
    }
    const del = await out.request('conversation.delete', { conversationIds: ['team|fo-g'] });
    expect(del.results[0]).toMatchObject({ ok: false, error: { code: 'conversation.forbidden' } });
    const rest = await t.http('GET', `/v1/conversations/${encodeURIComponent('team|fo-g')}`, { token: await t.token('fo-out') });
    expect(rest).toMatchObject({ status: 403, body: { code: 'conversation.forbidden' } });
    expect((await t.http('GET', '/v1/conversations/p2p%7Cbad%20id', { token: await t.token('fo-out') })).status).toBe(400);
    expect(await t.rowCounts()).toEqual(before);
  });

  it('lists groups and super groups identically: order, unread, mentions, last message, late joiners', async () => {
    const t = server();
    const members = ['gs-o', 'gs-m1', 'gs-m2'];
    await t.ensureUsers(...members, 'gs-late');
    for (const [id, type] of [
      ['gs-small', 2],
      ['gs-large', 3],
    ] as const) {
      await t.adminOk('POST', '/groups', { groupId: id, channelType: type, ownerUid: 'gs-o', members: members.slice(1) });
    }
    const o = await t.connect('gs-o');
    const m1 = await t.connect('gs-m1');
    await toGroup(o, 'gs-small', 2, 'before join');
    await toGroup(o, 'gs-large', 3, 'before join');
    for (const id of ['gs-small', 'gs-large']) await t.adminOk('POST', `/groups/${id}/members`, { uids: ['gs-late'] });
    await toGroup(m1, 'gs-small', 2, 'hello @gs-m2', { mentions: { uids: ['gs-m2'] } });
    await toGroup(m1, 'gs-large', 3, 'hello @gs-m2', { mentions: { uids: ['gs-m2'] } });
    await toGroup(o, 'gs-small', 2, 'notice', { header: { redDot: false } });
    await toGroup(o, 'gs-large', 3, 'notice', { header: { redDot: false } });
    await toGroup(o, 'gs-small', 2, '@all', { mentions: { uids: [], all: true } });
    // A second later: after a burst a user's conversation times run a few ms ahead of the clock (2 ms
    // apart each, docs/protocol.md), while a super group's is its message's time.
    t.frozenAt = Date.now() + 1000;
    await toGroup(o, 'gs-large', 3, '@all', { mentions: { uids: [], all: true } });
    t.frozenAt = undefined;

    const pick = (c: any) => ({
      unreadCount: c.unreadCount,
      mentionedMe: c.mentionedMe,
      lastMsgSeq: c.lastMsgSeq,
      readSeq: c.readSeq,
      last: c.lastMsg?.payload.content,
    });
    for (const uid of ['gs-o', 'gs-m1', 'gs-m2', 'gs-late']) {
      const client = await t.connect(uid, 'cmp');
      const list = (await client.request('conversation.list', {})).conversations;
      const small = list.find((c: any) => c.conversationId === 'team|gs-small');
      const large = list.find((c: any) => c.conversationId === 'super_team|gs-large');
      expect(pick(large), uid).toEqual(pick(small));
      expect(list.indexOf(large), uid).toBeLessThan(list.indexOf(small)); // sent last
      expect((await client.request('conversation.totalUnread')).totalUnread, uid).toBe(2 * small.unreadCount);
    }
    const m2 = await t.connect('gs-m2', 'detail');
    const large = await m2.request('conversation.get', { conversationId: 'super_team|gs-large' });
    expect(large).toMatchObject({ unreadCount: 3, mentionedMe: true, lastMsg: { payload: { content: '@all' } } });
    const late = await t.connect('gs-late', 'detail');
    expect((await late.request('conversation.get', { conversationId: 'super_team|gs-large' })).unreadCount).toBe(2);
    const read = await m2.request('conversation.markRead', { conversationId: 'super_team|gs-large' });
    expect([read.unreadCount, read.mentionedMe]).toEqual([0, false]);
    const sync = await m2.request('conversation.sync', { since: (await m2.request('conversation.sync', {})).syncToken });
    expect(sync.changes).toEqual([]);
    const token = (await m2.request('conversation.sync', {})).syncToken;
    await toGroup(o, 'gs-large', 3, 'later');
    const moved = await m2.request('conversation.sync', { since: token });
    expect(moved.changes).toMatchObject([
      { conversationId: 'super_team|gs-large', unreadCount: 1, lastMsg: { payload: { content: 'later' } } },
    ]);
  });
});

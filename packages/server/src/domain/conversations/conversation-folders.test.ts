import { describeEachBackend } from '@parley/test-kit/backends';
import { eventually } from '@parley/test-kit/eventually';
import { clientMsgNo, text, useServer } from '@parley/test-kit/server';
import type { TestClient } from '@parley/test-kit/ws-client';
import { expect, it } from 'vitest';

/** Mute, archive, labels and drafts on the conversation list (docs/protocol.md, Conversations). */

const dm = (client: TestClient, to: string, content: string) =>
  client.request('message.send', { channelId: to, channelType: 1, clientMsgNo: clientMsgNo(), payload: text(content) });
const toGroup = (client: TestClient, groupId: string, channelType: 2 | 3, content: string) =>
  client.request('message.send', { channelId: groupId, channelType, clientMsgNo: clientMsgNo(), payload: text(content) });
const ids = (result: { conversations: Array<{ conversationId: string }> }) => result.conversations.map((c) => c.conversationId);

interface Listed {
  conversationId: string;
  unreadCount: number;
  isMuted: boolean;
}

/** Every page of the list, following cursors. */
async function listAll(client: TestClient, params: Record<string, unknown>): Promise<Listed[]> {
  const seen: Listed[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.request('conversation.list', cursor ? { ...params, cursor } : params);
    seen.push(...page.conversations);
    cursor = page.cursor ?? undefined;
  } while (cursor);
  return seen;
}

await describeEachBackend('conversation mute, archive, labels, drafts', (backend) => {
  const server = useServer(backend, { PARLEY_SEND_RATE_PER_SEC: '0' });

  it("counts a muted conversation's unread apart: totalUnread keeps it, unmutedUnread leaves it out until the mute ends", async () => {
    const t = server();
    await t.ensureUsers('mu-a', 'mu-b', 'mu-c');
    await t.adminOk('POST', '/groups', { groupId: 'mu-sg', channelType: 3, ownerUid: 'mu-b', members: ['mu-a'] });
    const a = await t.connect('mu-a', 'phone');
    const laptop = await t.connect('mu-a', 'laptop');
    const b = await t.connect('mu-b');
    const c = await t.connect('mu-c');
    await dm(b, 'mu-a', 'one');
    await dm(c, 'mu-a', 'hi');
    await toGroup(b, 'mu-sg', 3, 'sg one');
    const muted = await a.request('conversation.mute', { conversationId: 'p2p|mu-b', muted: true });
    expect(muted).toMatchObject({ isMuted: true, mutedUntil: null, unreadCount: 1 });
    await laptop.waitForEvent('conversation.updated', (d) => d.conversation.conversationId === 'p2p|mu-b' && d.conversation.isMuted);
    await a.request('conversation.mute', { conversationId: 'super_team|mu-sg', muted: true });
    await dm(b, 'mu-a', 'two');
    await toGroup(b, 'mu-sg', 3, 'sg two');
    expect(await a.request('conversation.totalUnread', {})).toEqual({ totalUnread: 5, unmutedUnread: 1 });
    const rest = await t.http('GET', '/v1/conversations/unread', { token: await t.token('mu-a') });
    expect(rest.body).toEqual({ totalUnread: 5, unmutedUnread: 1 });
    // Unmuting by REST; a timed mute then ends by itself, with no write.
    await t.http('PUT', `/v1/conversations/${encodeURIComponent('p2p|mu-b')}/mute`, {
      token: await t.token('mu-a'),
      body: { muted: false },
    });
    expect(await a.request('conversation.totalUnread', {})).toEqual({ totalUnread: 5, unmutedUnread: 3 });
    const until = Date.now() + 1500;
    const timed = await a.request('conversation.mute', { conversationId: 'p2p|mu-c', muted: true, until });
    expect(timed).toMatchObject({ isMuted: true, mutedUntil: until });
    expect(await a.request('conversation.totalUnread', {})).toEqual({ totalUnread: 5, unmutedUnread: 2 });
    await eventually(async () => (await a.request('conversation.totalUnread', {})).unmutedUnread === 3);
    expect(await a.request('conversation.get', { conversationId: 'p2p|mu-c' })).toMatchObject({ isMuted: false, mutedUntil: null });
  });

  it('takes an archived conversation out of the list and brings it back on a new message unless it is muted', async () => {
    const t = server();
    await t.ensureUsers('ar-a', 'ar-b', 'ar-c');
    for (const [id, type] of [
      ['ar-g', 2],
      ['ar-sg', 3],
      ['ar-sgm', 3],
    ] as const)
      await t.adminOk('POST', '/groups', { groupId: id, channelType: type, ownerUid: 'ar-b', members: ['ar-a'] });
    const a = await t.connect('ar-a');
    const other = await t.connect('ar-a', 'other');
    const b = await t.connect('ar-b');
    const c = await t.connect('ar-c');
    await dm(b, 'ar-a', 'b1');
    await dm(c, 'ar-a', 'c1');
    await toGroup(b, 'ar-g', 2, 'g1');
    await toGroup(b, 'ar-sg', 3, 's1');
    await toGroup(b, 'ar-sgm', 3, 'm1');
    const all = ['p2p|ar-b', 'p2p|ar-c', 'team|ar-g', 'super_team|ar-sg', 'super_team|ar-sgm'];
    for (const id of all)
      expect(await a.request('conversation.archive', { conversationId: id, archived: true })).toMatchObject({ isArchived: true });
    await other.waitForEvent(
      'conversation.updated',
      (d) => d.conversation.conversationId === 'super_team|ar-sgm' && d.conversation.isArchived,
    );
    await a.request('conversation.mute', { conversationId: 'p2p|ar-c', muted: true });
    await a.request('conversation.mute', { conversationId: 'super_team|ar-sgm', muted: true });
    expect(ids(await a.request('conversation.list', {}))).toEqual([]);
    expect(ids(await a.request('conversation.list', { archived: true })).sort()).toEqual([...all].sort());
    const rest = await t.http('GET', '/v1/conversations?archived=true', { token: await t.token('ar-a') });
    expect(ids(rest.body).sort()).toEqual([...all].sort());

    await dm(b, 'ar-a', 'b2');
    await dm(c, 'ar-a', 'c2');
    await toGroup(b, 'ar-g', 2, 'g2');
    await toGroup(b, 'ar-sg', 3, 's2');
    await toGroup(b, 'ar-sgm', 3, 'm2');
    // Back: the unmuted ones, on the device that was not looking too. Still archived: the muted ones.
    expect(ids(await a.request('conversation.list', {})).sort()).toEqual(['p2p|ar-b', 'super_team|ar-sg', 'team|ar-g']);
    expect(ids(await a.request('conversation.list', { archived: true })).sort()).toEqual(['p2p|ar-c', 'super_team|ar-sgm']);
    await other.waitForEvent('conversation.updated', (d) => d.conversation.conversationId === 'p2p|ar-b' && !d.conversation.isArchived);
    expect(await a.request('conversation.get', { conversationId: 'p2p|ar-c' })).toMatchObject({ isArchived: true, unreadCount: 2 });
    // Unarchiving by hand.
    await a.request('conversation.archive', { conversationId: 'p2p|ar-c', archived: false });
    expect(ids(await a.request('conversation.list', { archived: true }))).toEqual(['super_team|ar-sgm']);
  });

  it('keeps label counts exact after messages, reads, deletes and leaving a group, equal to the labelled lists', async () => {
    const t = server();
    await t.ensureUsers('lc-a', 'lc-b', 'lc-c');
    await t.adminOk('POST', '/groups', { groupId: 'lc-g', channelType: 2, ownerUid: 'lc-b', members: ['lc-a'] });
    await t.adminOk('POST', '/groups', { groupId: 'lc-sg', channelType: 3, ownerUid: 'lc-b', members: ['lc-a'] });
    const a = await t.connect('lc-a');
    const b = await t.connect('lc-b');
    const c = await t.connect('lc-c');
    await dm(b, 'lc-a', 'b1');
    await dm(c, 'lc-a', 'c1');
    await toGroup(b, 'lc-g', 2, 'g1');
    await toGroup(b, 'lc-sg', 3, 's1');
    for (const id of ['p2p|lc-b', 'team|lc-g', 'super_team|lc-sg'])
      await a.request('conversation.updateLabels', { conversationId: id, add: ['work', 'all'] });
    const labelled = await a.request('conversation.updateLabels', {
      conversationId: 'p2p|lc-c',
      add: ['family', 'all', 'x'],
      remove: ['x'],
    });
    expect(labelled.labels).toEqual(['all', 'family']);
    await a.request('conversation.archive', { conversationId: 'p2p|lc-c', archived: true });
    await a.request('conversation.mute', { conversationId: 'team|lc-g', muted: true });

    /** The summary must equal what the labelled lists (archived and not) show, row for row. */
    const check = async (expected: Record<string, [number, number, number]>) => {
      const { labels } = await a.request('conversation.listLabels', {});
      const byLabel = Object.fromEntries(labels.map((l: any) => [l.label, [l.conversationCount, l.unreadCount, l.unmutedUnreadCount]]));
      expect(byLabel).toEqual(expected);
      for (const l of labels) {
        const rows = [
          ...(await listAll(a, { label: l.label, limit: 2 })),
          ...(await listAll(a, { label: l.label, archived: true, limit: 2 })),
        ];
        expect(rows.length, l.label).toBe(l.conversationCount);
        expect(rows.reduce((n, r) => n + r.unreadCount, 0)).toBe(l.unreadCount);
        expect(rows.filter((r) => !r.isMuted).reduce((n, r) => n + r.unreadCount, 0)).toBe(l.unmutedUnreadCount);
      }
      const rest = await t.http('GET', '/v1/conversation-labels', { token: await t.token('lc-a') });
      expect(rest.body).toEqual({ labels });
    };
    await check({ all: [4, 4, 3], family: [1, 1, 1], work: [3, 3, 2] });
    await dm(b, 'lc-a', 'b2');
    await toGroup(b, 'lc-g', 2, 'g2');
    await toGroup(b, 'lc-sg', 3, 's2');
    await toGroup(b, 'lc-sg', 3, 's3');
    await check({ all: [4, 8, 6], family: [1, 1, 1], work: [3, 7, 5] });
    await a.request('conversation.markRead', { conversationId: 'super_team|lc-sg' });
    await a.request('conversation.markRead', { conversationId: 'p2p|lc-b', seq: 1 });
    await check({ all: [4, 4, 2], family: [1, 1, 1], work: [3, 3, 1] });
    // A deleted conversation leaves its labels' counts, and comes back to them with its next message.
    await a.request('conversation.delete', { conversationIds: ['p2p|lc-c'] });
    await check({ all: [3, 3, 1], family: [0, 0, 0], work: [3, 3, 1] });
    await dm(c, 'lc-a', 'c2');
    await check({ all: [4, 4, 2], family: [1, 1, 1], work: [3, 3, 1] });
    // Leaving: a group's conversation stays as it was (later messages are not hers); a super group's is gone.
    await t.adminOk('POST', '/groups/lc-g/members/remove', { uids: ['lc-a'] });
    await t.adminOk('POST', '/groups/lc-sg/members/remove', { uids: ['lc-a'] });
    await toGroup(b, 'lc-g', 2, 'g3');
    await toGroup(b, 'lc-sg', 3, 's4');
    await check({ all: [3, 4, 2], family: [1, 1, 1], work: [2, 3, 1] });
  });

  it('pages a label by cursor while messages arrive: no conversation skipped or repeated, filters combined', async () => {
    const t = server();
    const me = 'lp-me';
    const peers = Array.from({ length: 24 }, (_, i) => `lp-p${i}`);
    await t.ensureUsers(me, ...peers);
    const a = await t.connect(me);
    const peer = new Map<string, TestClient>();
    for (const p of peers) peer.set(p, await t.connect(p));
    for (const p of peers) await dm(peer.get(p) as TestClient, me, 'hello');
    // Labelled: every other one; archived among them: every fourth.
    const labelled = peers.filter((_, i) => i % 2 === 0).map((p) => `p2p|${p}`);
    for (const id of labelled) await a.request('conversation.updateLabels', { conversationId: id, add: ['paged'] });
    const archived = peers.filter((_, i) => i % 4 === 0).map((p) => `p2p|${p}`);
    for (const id of archived) await a.request('conversation.archive', { conversationId: id, archived: true });
    // Archiving does not move a conversation: it keeps its updateTime, so both lists stay in order.
    const front = labelled.filter((id) => !archived.includes(id));

    const seen: string[] = [];
    let page = await a.request('conversation.list', { label: 'paged', limit: 2, needLastMsg: false });
    let moved = 0;
    const movedIds = new Set<string>();
    for (;;) {
      seen.push(...ids(page));
      if (!page.cursor) break;
      // Between pages: a message in a labelled one already seen and one not seen yet (both move to the top).
      const seenOne = seen[0] as string;
      const unseen = front.find((id) => !seen.includes(id) && !movedIds.has(id));
      for (const id of [seenOne, unseen]) {
        if (!id) continue;
        movedIds.add(id);
        await dm(peer.get(id.slice(4)) as TestClient, me, `more ${moved++}`);
      }
      page = await a.request('conversation.list', { label: 'paged', limit: 2, needLastMsg: false, cursor: page.cursor });
    }
    expect(new Set(seen).size, 'no repeat').toBe(seen.length);
    for (const id of front.filter((x) => !movedIds.has(x))) expect(seen, `not skipped: ${id}`).toContain(id);
    expect(seen.every((id) => labelled.includes(id))).toBe(true);
    // Combined: label with archived (the archived ones that got no message), with a time window.
    const archivedLabelled = await listAll(a, { label: 'paged', archived: true, limit: 1 });
    expect(archivedLabelled.map((c) => c.conversationId).sort()).toEqual(archived.filter((id) => !movedIds.has(id)).sort());
    const full = (await a.request('conversation.list', { label: 'paged', limit: 100 })).conversations as Array<{
      conversationId: string;
      updateTime: number;
    }>;
    const pivot = full[3] as { updateTime: number };
    const windowed = await a.request('conversation.list', { label: 'paged', maxTimestamp: pivot.updateTime, limit: 100 });
    expect(ids(windowed)).toEqual(full.slice(4).map((c) => c.conversationId));
    const rest = await t.http('GET', `/v1/conversations?label=paged&limit=3&maxTimestamp=${pivot.updateTime}`, {
      token: await t.token(me),
    });
    expect(ids(rest.body)).toEqual(full.slice(4, 7).map((c) => c.conversationId));
  });

  it('carries a draft to the owner’s other devices and into sync, and clears it when the owner sends from another device', async () => {
    const t = server();
    await t.ensureUsers('dr-a', 'dr-b');
    await t.adminOk('POST', '/groups', { groupId: 'dr-sg', channelType: 3, ownerUid: 'dr-b', members: ['dr-a'] });
    const phone = await t.connect('dr-a', 'phone');
    const laptop = await t.connect('dr-a', 'laptop');
    const { syncToken } = await laptop.request('conversation.sync', {});
    // A draft alone lists the conversation.
    const drafted = await phone.request('conversation.updateDraft', {
      conversationId: 'p2p|dr-b',
      text: 'half a thought',
      ext: '{"reply":1}',
    });
    expect(drafted.draft).toMatchObject({ text: 'half a thought', ext: '{"reply":1}' });
    expect(drafted.draft.updatedAt).toBeGreaterThan(0);
    const pushed = await laptop.waitForEvent('conversation.updated', (d) => d.conversation.conversationId === 'p2p|dr-b');
    expect(pushed.data.conversation.draft).toEqual(drafted.draft);
    expect(ids(await laptop.request('conversation.list', {}))).toEqual(['p2p|dr-b']);
    const synced = await laptop.request('conversation.sync', { since: syncToken });
    expect(synced.changes.find((c: any) => c.conversationId === 'p2p|dr-b')?.draft).toEqual(drafted.draft);
    // The laptop sends: the phone's view loses the draft, live and on reading.
    await dm(laptop, 'dr-b', 'the whole thought');
    await phone.waitForEvent('conversation.updated', (d) => d.conversation.conversationId === 'p2p|dr-b' && d.conversation.draft === null);
    expect((await phone.request('conversation.get', { conversationId: 'p2p|dr-b' })).draft).toBeNull();
    // A super group the same way (its member row is only written for the sender).
    await phone.request('conversation.updateDraft', { conversationId: 'super_team|dr-sg', text: 'sg draft' });
    expect((await laptop.request('conversation.get', { conversationId: 'super_team|dr-sg' })).draft).toMatchObject({ text: 'sg draft' });
    await toGroup(laptop, 'dr-sg', 3, 'sent');
    expect((await phone.request('conversation.get', { conversationId: 'super_team|dr-sg' })).draft).toBeNull();
    // Someone else's message does not clear it; an empty text does.
    await phone.request('conversation.updateDraft', { conversationId: 'p2p|dr-b', text: 'again' });
    const b = await t.connect('dr-b');
    await dm(b, 'dr-a', 'interrupting');
    expect((await phone.request('conversation.get', { conversationId: 'p2p|dr-b' })).draft).toMatchObject({ text: 'again' });
    const cleared = await t.http('PUT', `/v1/conversations/${encodeURIComponent('p2p|dr-b')}/draft`, {
      token: await t.token('dr-a'),
      body: { text: '' },
    });
    expect(cleared.body.draft).toBeNull();
  });

  it('refuses bad mute, archive, label and draft input with a documented error and changes nothing', async () => {
    const t = server();
    await t.ensureUsers('bi-a', 'bi-b', 'bi-out');
    await t.adminOk('POST', '/groups', { groupId: 'bi-g', channelType: 2, ownerUid: 'bi-a', members: ['bi-b'] });
    const a = await t.connect('bi-a');
    await dm(a, 'bi-b', 'hi');
    const out = await t.connect('bi-out');
    const before = await t.rowCounts();
    const long = 'x'.repeat(65);
    const cases: Array<[TestClient, string, Record<string, unknown>, string]> = [
      [a, 'conversation.mute', { conversationId: 'p2p|bi-b' }, 'request.invalid'],
      [a, 'conversation.mute', { conversationId: 'p2p|bi-b', muted: 'yes' }, 'request.invalid'],
      [a, 'conversation.mute', { conversationId: 'p2p|bi-b', muted: true, until: Date.now() - 1000 }, 'request.invalid'],
      [a, 'conversation.mute', { conversationId: 'p2p|bi-b', muted: false, until: Date.now() + 60_000 }, 'request.invalid'],
      [a, 'conversation.mute', { conversationId: 'p2p|bi-b', muted: true, until: -1 }, 'request.invalid'],
      [a, 'conversation.mute', { conversationId: 'p2p|bi-b', muted: true, extra: 1 }, 'request.invalid'],
      [out, 'conversation.mute', { conversationId: 'team|bi-g', muted: true }, 'conversation.forbidden'],
      [a, 'conversation.archive', { conversationId: 'p2p|bi-b' }, 'request.invalid'],
      [a, 'conversation.archive', { conversationId: 'p2p|bi-b', archived: 1 }, 'request.invalid'],
      [a, 'conversation.archive', { conversationId: 'p2p|bi-out', archived: true }, 'conversation.not_found'],
      [out, 'conversation.archive', { conversationId: 'team|bi-g', archived: true }, 'conversation.forbidden'],
      [a, 'conversation.updateLabels', { conversationId: 'p2p|bi-b', add: [''] }, 'request.invalid'],
      [a, 'conversation.updateLabels', { conversationId: 'p2p|bi-b', add: [long] }, 'request.invalid'],
      [a, 'conversation.updateLabels', { conversationId: 'p2p|bi-b', add: ['tab\there'] }, 'request.invalid'],
      [a, 'conversation.updateLabels', { conversationId: 'p2p|bi-b', add: ['nul\u0000'] }, 'request.invalid'],
      [a, 'conversation.updateLabels', { conversationId: 'p2p|bi-b', add: 'work' }, 'request.invalid'],
      [
        a,
        'conversation.updateLabels',
        { conversationId: 'p2p|bi-b', add: Array.from({ length: 101 }, (_, i) => `l${i}`) },
        'request.invalid',
      ],
      [a, 'conversation.updateLabels', { conversationId: 'p2p|bi-b', remove: [7] }, 'request.invalid'],
      [a, 'conversation.updateLabels', { conversationId: 'p2p|bi-out', add: ['x'] }, 'conversation.not_found'],
      [out, 'conversation.updateLabels', { conversationId: 'team|bi-g', add: ['x'] }, 'conversation.forbidden'],
      [a, 'conversation.updateDraft', { conversationId: 'p2p|bi-b' }, 'request.invalid'],
      [a, 'conversation.updateDraft', { conversationId: 'p2p|bi-b', text: 'a\u0000b' }, 'request.invalid'],
      [a, 'conversation.updateDraft', { conversationId: 'p2p|bi-b', text: 'x'.repeat(10001) }, 'request.invalid'],
      [a, 'conversation.updateDraft', { conversationId: 'p2p|bi-b', text: 'x', ext: 'e'.repeat(1025) }, 'conversation.ext_too_large'],
      [a, 'conversation.updateDraft', { conversationId: 'p2p|bi-b', text: 1 }, 'request.invalid'],
      [out, 'conversation.updateDraft', { conversationId: 'team|bi-g', text: 'x' }, 'conversation.forbidden'],
      [a, 'conversation.list', { label: '' }, 'request.invalid'],
      [a, 'conversation.list', { label: long }, 'request.invalid'],
      [a, 'conversation.list', { archived: 'maybe' }, 'request.invalid'],
      [a, 'conversation.listLabels', { extra: true }, 'request.invalid'],
    ];
    for (const [client, method, params, code] of cases) {
      await expect(client.request(method, params), `${method} ${JSON.stringify(params)}`).rejects.toMatchObject({ code });
    }
    const token = await t.token('bi-a');
    const path = (what: string) => `/v1/conversations/${encodeURIComponent('p2p|bi-b')}/${what}`;
    for (const [what, body] of [
      ['mute', { muted: true, until: 5 }],
      ['archive', {}],
      ['labels', { add: [''] }],
      ['draft', { text: 'x', ext: 'e'.repeat(1025) }],
    ] as const) {
      const r = await t.http('PUT', path(what), { token, body });
      expect(r.status, what).toBe(400);
      expect(r.body.code, what).toMatch(/^(request\.invalid|conversation\.ext_too_large)$/);
    }
    expect((await t.http('GET', '/v1/conversations?label=', { token })).status).toBe(400);
    expect(await t.rowCounts()).toEqual(before);
  });
});

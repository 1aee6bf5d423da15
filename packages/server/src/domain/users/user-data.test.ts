import fs from 'node:fs';
import path from 'node:path';
import { CloseCode } from '@parley/protocol';
import { describeEachBackend } from '@parley/test-kit/backends';
import { eventually } from '@parley/test-kit/eventually';
import { type TestServer, text, useServer } from '@parley/test-kit/server';
import { TestClient } from '@parley/test-kit/ws-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { erasedPlaceholder } from './user-erasure.js';

/** Text only the erased user ever wrote: after the erasure, no table, file or answer may hold it. */
const MARK = 'zq7731mark';
const U = { a: 'ud-alice', b: 'ud-bob', c: 'ud-carol', d: 'ud-dave' } as const;
const G = 'ud-g';
const S = 'ud-s';

interface Sent {
  messageId: string;
  messageSeq: number;
  timestamp: number;
  channelType: number;
  /** As the sender names it. */
  channelId: string;
  /** As the sender's export must show it now. */
  shown: unknown;
}

async function upload(t: TestServer, token: string, name: string, body: string): Promise<{ fileId: string; url: string }> {
  const form = new FormData();
  form.append('file', new Blob([body], { type: 'text/plain' }), name);
  const res = await fetch(`${t.url}/v1/files`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  expect(res.status).toBe(200);
  return res.json() as Promise<{ fileId: string; url: string }>;
}

async function exportOf(t: TestServer, uid: string): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(`${t.url}/v1/admin/users/${uid}/export`, { headers: { authorization: `Bearer ${t.config.appSecret}` } });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** Where the erased uid may still appear: as the sender of placeholders, in person channels' ids, in others' conversation ids, in erasure records. */
const UID_MAY_REMAIN: Record<string, string[]> = {
  messages: ['from_uid', 'channel_id', 'meta', 'revoker'],
  channels: ['channel_id'],
  conversations: ['conversation_id', 'channel_id'],
  user_erasures: ['uid'],
  // Others' events name them as a peer or a member (checked apart: none is theirs or about them).
  webhook_outbox: ['data'],
  webhook_dead_letters: ['data'],
};

await describeEachBackend("a user's data, exported and erased", (backend) => {
  // Webhooks on, to a receiver that never answers: every event waits in the outbox, where the erasure must find it.
  const server = useServer(backend, { PARLEY_SEND_RATE_PER_SEC: '0', PARLEY_WEBHOOK_URL: 'http://127.0.0.1:9/nobody' });

  describe('one user with a bit of everything', () => {
    let t: TestServer;
    let alice: TestClient;
    let bob: TestClient;
    let aliceToken: string;
    const sent: Sent[] = [];
    const ids: Record<string, string> = {};
    let fileId = '';

    const send = async (from: TestClient, name: string, params: Record<string, unknown>, shown?: unknown): Promise<void> => {
      // Alice's own clientMsgNos carry the mark too: they are hers to erase (bob's are his).
      const ack = await from.request('message.send', { clientMsgNo: from === alice ? `${MARK}-${name}` : `bob-${name}`, ...params });
      expect(ack.reasonCode, name).toBe(1);
      ids[name] = ack.messageId;
      if (from === alice) {
        sent.push({
          messageId: ack.messageId,
          messageSeq: ack.messageSeq,
          timestamp: ack.timestamp,
          channelType: params.channelType as number,
          channelId: params.channelId as string,
          shown: shown ?? params.payload,
        });
      }
    };

    beforeAll(async () => {
      t = server();
      await t.adminOk('POST', '/users', { uid: U.a, name: `Alice ${MARK}`, ext: `{"note":"${MARK}"}` });
      await t.createUsers(U.b, U.c, U.d);
      await t.adminOk('POST', '/groups', { groupId: G, channelType: 2, ownerUid: U.a, members: [U.b, U.c] });
      await t.adminOk('POST', '/groups', { groupId: S, channelType: 3, ownerUid: U.c, members: [U.a, U.b] });
      await t.adminOk('PUT', `/groups/${G}/whitelist`, { uids: [U.a, U.b] });
      aliceToken = await t.token(U.a);
      alice = await t.connect(U.a, 'alice-phone');
      bob = await t.connect(U.b, 'bob-phone');

      await send(alice, 'hello', { channelId: U.b, channelType: 1, payload: text(`${MARK} hello bob`) });
      await send(bob, 'receipt', { channelId: U.a, channelType: 1, payload: text('hi alice'), setting: { receipt: true } });
      await send(alice, 'draft', { channelId: U.b, channelType: 1, payload: text(`${MARK} draft`) }, text(`${MARK} edited`));
      await alice.request('message.edit', { messageId: ids.draft, payload: text(`${MARK} edited`) });
      await send(alice, 'group', {
        channelId: G,
        channelType: 2,
        payload: text(`${MARK} to the group`),
        setting: { topic: `${MARK} topic` },
        mentions: { uids: [U.b] },
        entities: [{ type: 'link', offset: 0, length: 4, value: `https://${MARK}.example` }],
      });
      await send(alice, 'super', { channelId: S, channelType: 3, payload: text(`${MARK} in the super group`) });
      await send(alice, 'once', {
        channelId: U.b,
        channelType: 1,
        payload: { type: 1001, cmd: `${MARK} cmd` },
        header: { syncOnce: true },
      });
      const file = await upload(t, aliceToken, `${MARK}.txt`, `${MARK} file body`);
      fileId = file.fileId;
      await send(alice, 'file', { channelId: U.b, channelType: 1, payload: { type: 3, url: file.url, name: `${MARK}.txt` } });
      const hello = sent[0] as Sent;
      await send(bob, 'reply', {
        channelId: U.a,
        channelType: 1,
        payload: text('that was you'),
        reply: { messageId: hello.messageId, messageSeq: hello.messageSeq, fromUid: U.a, preview: `${MARK} quoted` },
      });
      await send(alice, 'last', { channelId: U.b, channelType: 1, payload: text(`${MARK} last words`) });

      await alice.request('message.addReaction', { messageId: ids.receipt, emoji: '👍' });
      await alice.request('message.readReceipt', { messageIds: [ids.receipt] });
      await alice.request('message.removeHistory', { conversationId: `p2p|${U.b}`, messageIds: [ids.reply] });
      await alice.request('conversation.updateExt', { conversationId: `p2p|${U.b}`, ext: `${MARK} ext` });
      await alice.request('conversation.pin', { conversationId: `p2p|${U.b}`, isPinned: true });
      await t.adminOk('POST', `/users/${U.a}/blacklist`, { uids: [U.d] });
      await t.adminOk('POST', `/users/${U.c}/blacklist`, { uids: [U.a] });
      await t.adminOk('POST', '/messages', { channelId: U.a, channelType: 4, payload: text(`${MARK} notice`) });
    });

    it('exports everything they have as one JSON document, as it is shown now', async () => {
      const res = await exportOf(t, U.a);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const doc = JSON.parse(res.text);
      expect(doc).toMatchObject({ uid: U.a, profile: { uid: U.a, name: `Alice ${MARK}` }, blacklist: [U.d] });
      expect(doc.exportedAt).toBeGreaterThan(0);
      expect(doc.groups).toEqual([
        expect.objectContaining({ groupId: G, channelType: 2, role: 2 }),
        expect.objectContaining({ groupId: S, channelType: 3, role: 0 }),
      ]);
      const p2p = doc.conversations.find((c: { conversationId: string }) => c.conversationId === `p2p|${U.b}`);
      expect(p2p).toMatchObject({ channelType: 1, channelId: U.b, ext: `${MARK} ext`, deleted: false });
      expect(p2p.pinnedTime).toBeGreaterThan(0);
      expect(doc.conversations.map((c: { conversationId: string }) => c.conversationId)).toEqual(
        expect.arrayContaining([`team|${G}`, `system|${U.a}`]),
      );
      const exported = new Map(doc.messages.map((m: { messageId: string }) => [m.messageId, m]));
      expect(exported.size).toBe(sent.length);
      for (const s of sent) {
        expect(exported.get(s.messageId), s.messageId).toMatchObject({
          channelType: s.channelType,
          channelId: s.channelId,
          messageSeq: s.messageSeq,
          timestamp: s.timestamp,
          payload: s.shown,
        });
      }
      expect(exported.get(ids.draft)).toMatchObject({ editedAt: expect.any(Number), revokedAt: null });
      expect(exported.get(ids.once)).toMatchObject({ messageSeq: 0, header: { syncOnce: true } });
      expect(exported.get(ids.group)).toMatchObject({ setting: { topic: `${MARK} topic` }, mentions: { uids: [U.b] } });
      const receipt = (await bob.request('message.history', { conversationId: `p2p|${U.a}` })).messages.find(
        (m: { messageId: string }) => m.messageId === ids.receipt,
      );
      expect(doc.reactions).toEqual([
        { channelType: 1, channelId: U.b, messageSeq: receipt.messageSeq, emoji: '👍', createdAt: expect.any(Number) },
      ]);
      expect(doc.files).toEqual([
        expect.objectContaining({ fileId, name: `${MARK}.txt`, url: `/v1/files/${fileId}`, contentType: 'text/plain' }),
      ]);
    });

    it("erases them: others' history keeps its seqs with placeholders, nothing of theirs is left, their tokens die", async () => {
      const history = async (conversationId: string) =>
        (await bob.request('message.history', { conversationId, limit: 100 })).messages as Array<Record<string, any>>;
      const conversations = [`p2p|${U.a}`, `team|${G}`, `super_team|${S}`];
      const before = await Promise.all(conversations.map(history));
      const unreadBefore = (await bob.request('conversation.get', { conversationId: `p2p|${U.a}` })).unreadCount;
      const seen = bob.events.length;

      const erased = await t.adminOk('DELETE', `/users/${U.a}`, { erase: true });
      expect(erased).toMatchObject({ uid: U.a, messages: sent.length, groups: 2, files: 1 });
      expect(erased.finishedAt).toBeGreaterThanOrEqual(erased.erasedAt);

      // Their connected device is closed, their old token is refused on REST and the WebSocket.
      await alice.closed;
      expect(alice.closeCode).toBe(CloseCode.Kicked);
      const rest = await t.http('GET', '/v1/conversations', { token: aliceToken });
      expect([rest.status, rest.body.code]).toEqual([401, 'auth.invalid_token']);
      const socket = await TestClient.connect(t.wsUrl);
      await expect(socket.request('auth', { token: aliceToken, deviceId: 'again' })).rejects.toMatchObject({ code: 'auth.invalid_token' });
      await socket.closed;
      expect(socket.closeCode).toBe(CloseCode.AuthFailed);
      expect((await t.admin('POST', `/users/${U.a}/token`, {})).body.code).toBe('user.not_found');

      // Everyone else's history: the same seqs; theirs are placeholders, the others' keep their content, minus quotes of them.
      const after = await Promise.all(conversations.map(history));
      for (const [i, messages] of after.entries()) {
        const was = before[i] as Array<Record<string, any>>;
        expect(messages.map((m) => m.messageSeq)).toEqual(was.map((m) => m.messageSeq));
        for (const [j, m] of messages.entries()) {
          const old = was[j] as Record<string, any>;
          expect(m.messageId).toBe(old.messageId);
          if (old.fromUid === U.a) {
            expect(m).toMatchObject({ fromUid: U.a, contentType: 999, payload: { type: 999 }, timestamp: old.timestamp });
            expect(m.extra.editedPayload).toBeNull();
            expect([m.reply, m.mentions, m.entities]).toEqual([undefined, undefined, undefined]);
          } else expect(m.payload).toEqual(old.payload);
        }
      }
      const reply = after[0]?.find((m) => m.messageId === ids.reply);
      expect(reply?.reply).toEqual({ messageId: sent[0]?.messageId, messageSeq: sent[0]?.messageSeq, fromUid: U.a });
      const conversation = await bob.request('conversation.get', { conversationId: `p2p|${U.a}` });
      expect(conversation.lastMsg).toMatchObject({ messageId: ids.last, payload: { type: 999 } });
      expect(conversation.unreadCount).toBe(unreadBefore);

      // Bob's devices learned it: the conversation's new preview, and the recent messages.
      const news = () => bob.events.slice(seen);
      const updatedIds = () =>
        news()
          .filter((e) => e.event === 'message.updated')
          .map((e) => e.data.messageId);
      const preview = () => news().find((e) => e.event === 'conversation.updated' && e.data.conversation.conversationId === `p2p|${U.a}`);
      await eventually(() => [ids.last, ids.hello, ids.group, ids.super].every((id) => updatedIds().includes(id)) && !!preview());
      expect(preview()?.data.conversation.lastMsg.payload).toEqual({ type: 999 });
      for (const e of news().filter((x) => x.event === 'message.updated')) expect(e.data.payload).toEqual({ type: 999 });

      // Groups went on without them: the oldest admin or member owns what they owned.
      expect(await t.adminOk('GET', `/groups/${G}`)).toMatchObject({ ownerUid: U.b, memberCount: 2 });
      expect(await t.adminOk('GET', `/groups/${S}`)).toMatchObject({ ownerUid: U.c, memberCount: 2 });
      expect(await t.adminOk('GET', `/groups/${G}/whitelist`)).toEqual({ uids: [U.b] });
      const once = await t.http('GET', '/v1/messages/sync-once', { token: await t.token(U.b) });
      expect(once.body.messages.map((m: { messageId: string }) => m.messageId)).not.toContain(ids.once);

      // Their files: not served, not on disk.
      expect((await t.http('GET', `/v1/files/${fileId}`)).body.code).toBe('file.not_found');
      const filesDir = path.join(t.config.dataDir, 'files');
      for (const name of fs.readdirSync(filesDir)) {
        expect(name).not.toContain(fileId);
        expect(fs.readFileSync(path.join(filesDir, name), 'utf8')).not.toContain(MARK);
      }

      // Every row of every table: no text of theirs, and their uid only where others' data names it.
      const tables = await t.allTables();
      expect(Object.keys(tables)).toEqual(expect.arrayContaining(['messages', 'users', 'conversations', 'user_erasures']));
      const leaks: string[] = [];
      for (const [table, rows] of Object.entries(tables)) {
        for (const row of rows) {
          const json = JSON.stringify(row);
          if (json.includes(MARK)) leaks.push(`${table}: ${json.slice(0, 300)}`);
          for (const [column, value] of Object.entries(row)) {
            if (typeof value === 'string' && value.includes(U.a) && !UID_MAY_REMAIN[table]?.includes(column))
              leaks.push(`${table}.${column}: ${json.slice(0, 300)}`);
          }
        }
      }
      expect(leaks).toEqual([]);
      const events = [...(tables.webhook_outbox ?? []), ...(tables.webhook_dead_letters ?? [])].map(
        (row) => JSON.parse(String(row.data)) as { fromUid?: string; uid?: string },
      );
      expect(events.length).toBeGreaterThan(0); // bob's and carol's stay
      expect(events.filter((e) => e.fromUid === U.a || e.uid === U.a)).toEqual([]);
      expect(tables.user_erasures).toHaveLength(1);
      expect(tables.erasure_replies).toEqual([]);

      // Asked again: nothing left to do; the export knows them no more.
      expect(await t.adminOk('DELETE', `/users/${U.a}`, { erase: true })).toMatchObject({ messages: 0, groups: 0, files: 0 });
      expect((await exportOf(t, U.a)).status).toBe(404);
    });
  });

  it('refuses an unknown uid and a delete without erase, changing nothing', async () => {
    const t = server();
    await t.ensureUsers('ud-keep');
    for (const [method, url, body] of [
      ['DELETE', '/users/ud-nobody', { erase: true }],
      ['GET', '/users/ud-nobody/export', undefined],
    ] as const) {
      const res = await t.admin(method, url, body);
      expect([res.status, res.body.code]).toEqual([404, 'user.not_found']);
    }
    const before = await t.rowCounts();
    for (const body of [undefined, {}, { erase: false }, { erase: 'yes' }, { erase: true, extra: 1 }]) {
      const res = await t.admin('DELETE', '/users/ud-keep', body);
      expect([res.status, res.body.code], JSON.stringify(body)).toEqual([400, 'request.invalid']);
    }
    expect(await t.rowCounts()).toEqual(before);
    expect((await t.admin('GET', '/users/ud-keep')).status).toBe(200);
  });

  it('finishes an interrupted erasure when asked again', async () => {
    const t = server();
    const uid = 'ud-resume';
    await t.ensureUsers(uid, 'ud-peer');
    await t.adminOk('POST', '/groups', { groupId: 'ud-rg', channelType: 2, ownerUid: 'ud-peer', members: [uid] });
    const client = await t.connect(uid);
    for (let i = 0; i < 6; i++) {
      const channel = i % 2 ? { channelId: 'ud-rg', channelType: 2 } : { channelId: 'ud-peer', channelType: 1 };
      const ack = await client.request('message.send', { ...channel, clientMsgNo: `resume-${i}`, payload: text(`${MARK} resume ${i}`) });
      expect(ack.reasonCode).toBe(1);
    }
    // As if the server stopped two steps in: the account gone, two messages erased, the rest not.
    await t.storage.userData.beginErasure(uid, Date.now());
    const firstBatch = await t.storage.userData.sentMessages(uid, '', 2);
    await t.storage.userData.eraseSent(uid, firstBatch.map(erasedPlaceholder));
    expect(await t.storage.userData.sentMessages(uid, '', 10)).toHaveLength(4);
    expect((await t.storage.userData.erasure(uid))?.finishedAt).toBe(0);

    // Two calls at once on one node share one run: both tell the whole of it.
    const [done, twin] = await Promise.all([1, 2].map(() => t.adminOk('DELETE', `/users/${uid}`, { erase: true })));
    expect(done).toMatchObject({ uid, messages: 4, groups: 1 });
    expect(twin).toEqual(done);
    expect(await t.storage.userData.sentMessages(uid, '', 10)).toEqual([]);
    expect((await t.storage.userData.erasure(uid))?.finishedAt).toBe(done.finishedAt);
    const peer = await t.connect('ud-peer', 'peer');
    for (const conversationId of [`p2p|${uid}`, 'team|ud-rg']) {
      const { messages } = await peer.request('message.history', { conversationId, limit: 100 });
      const theirs = messages.filter((m: { fromUid: string }) => m.fromUid === uid);
      expect(theirs).toHaveLength(3);
      for (const m of theirs) expect(m.payload).toEqual({ type: 999 });
    }
    const tables = await t.allTables();
    expect(JSON.stringify(tables).includes(`${MARK} resume`)).toBe(false);
  });

  it('streams the export of a user with thousands of messages as one document, then erases them in batches', {
    timeout: 120_000,
  }, async () => {
    const t = server();
    const uid = 'ud-big';
    const count = 3000;
    await t.ensureUsers(uid, 'ud-big-peer');
    const client = await t.connect(uid);
    const acks = new Map<string, { messageSeq: number; content: string }>();
    for (let from = 0; from < count; from += 250) {
      const window = Array.from({ length: Math.min(250, count - from) }, async (_, i) => {
        const content = `big ${from + i} ${MARK}`;
        const ack = await client.request('message.send', {
          channelId: 'ud-big-peer',
          channelType: 1,
          clientMsgNo: `big-${from + i}`,
          payload: text(content),
        });
        expect(ack.reasonCode).toBe(1);
        acks.set(ack.messageId, { messageSeq: ack.messageSeq, content });
      });
      await Promise.all(window);
    }

    const res = await exportOf(t, uid);
    expect(res.status).toBe(200);
    // Streamed: no length known in advance.
    expect(res.headers.get('content-length')).toBeNull();
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    const doc = JSON.parse(res.text);
    expect(doc.messages).toHaveLength(count);
    for (const m of doc.messages) {
      const ack = acks.get(m.messageId);
      expect(m).toMatchObject({ channelId: 'ud-big-peer', messageSeq: ack?.messageSeq, payload: text(ack?.content as string) });
    }

    const erased = await t.adminOk('DELETE', `/users/${uid}`, { erase: true });
    expect(erased.messages).toBe(count);
    const tables = await t.allTables();
    expect(JSON.stringify(tables.messages).includes(MARK)).toBe(false);
    const peer = await t.connect('ud-big-peer', 'peer');
    const { messages } = await peer.request('message.history', {
      conversationId: `p2p|${uid}`,
      startSeq: 1,
      direction: 'down',
      contain: true,
      limit: 100,
    });
    expect(messages.map((m: { messageSeq: number }) => m.messageSeq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    for (const m of messages) expect(m.payload).toEqual({ type: 999 });
  });
});

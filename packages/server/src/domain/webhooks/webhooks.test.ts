import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebhookEventName } from '@parley/protocol';
import { describeEachBackend } from '@parley/test-kit/backends';
import { eventually } from '@parley/test-kit/eventually';
import { httpCall } from '@parley/test-kit/http';
import { clientMsgNo, type TestServer, text, useServer } from '@parley/test-kit/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlite } from '../../adapters/storage/sqlite/index.js';
import { startServer } from '../../app.js';
import { loadConfig } from '../../config.js';
import { documentedVerify, type ReceivedEvent, type VerifyParley, WebhookReceiver } from '../../test-support/webhook-receiver.js';
import { signatureOf } from './signature.js';

/**
 * Webhooks end to end: a real server (SQLite and PostgreSQL) posting to a real local receiver that
 * checks every request with the verification code docs/webhooks.md prints, read from the page.
 */
const SECRET = 'webhook-test-secret-0123456789abcdef';
const DOC = fs.readFileSync(fileURLToPath(new URL('../../../../../docs/webhooks.md', import.meta.url)), 'utf8');

/** Each event type's example in docs/webhooks.md (its ```json blocks with a `type`), by type. */
function documentedExamples(): Map<string, { data: Record<string, unknown> }> {
  const examples = new Map<string, { data: Record<string, unknown> }>();
  for (const [, block] of DOC.matchAll(/```json\n([\s\S]*?)```/g)) {
    const parsed = JSON.parse(block as string) as { type?: string; data: Record<string, unknown> };
    if (parsed.type) examples.set(parsed.type, parsed);
  }
  return examples;
}

const keysOf = (o: object): string[] => Object.keys(o).sort();

/** A receiver started before the server, so that the server starts with its URL in the environment. */
function useReceiver(env: Record<string, string>): () => WebhookReceiver {
  let receiver: WebhookReceiver | undefined;
  beforeAll(async () => {
    receiver = await WebhookReceiver.start(SECRET, await documentedVerify());
    env.PARLEY_WEBHOOK_URL = receiver.url;
  });
  afterAll(async () => {
    await receiver?.close();
  });
  return () => receiver as WebhookReceiver;
}

const fastRetries = { PARLEY_WEBHOOK_SECRET: SECRET, PARLEY_WEBHOOK_RETRY_MIN_MS: '20', PARLEY_WEBHOOK_RETRY_MAX_SECONDS: '1' };

async function send(t: TestServer, token: string, channelId: string, channelType: number, content: string) {
  const res = await t.http('POST', '/v1/messages', {
    token,
    body: { channelId, channelType, clientMsgNo: clientMsgNo(), payload: text(content) },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { messageId: string; messageSeq: number };
}

/** The first arrival of each message.sent of `channel` (as its sender names it), in arrival order. */
const sentIn = (receiver: WebhookReceiver, from: string, channelId: string): ReceivedEvent[] => {
  const seen = new Set<string>();
  return receiver.ofType('message.sent').filter((e) => {
    if (e.data.fromUid !== from || e.data.channelId !== channelId || seen.has(e.id)) return false;
    seen.add(e.id);
    return true;
  });
};

await describeEachBackend('webhooks', (backend) => {
  describe('with PARLEY_WEBHOOK_URL set', () => {
    const env: Record<string, string> = { ...fastRetries, PARLEY_SEND_RATE_PER_SEC: '0', PARLEY_PRESENCE_GRACE_SECONDS: '0' };
    const receiver = useReceiver(env);
    const server = useServer(backend, env);

    it('delivers every event type as docs/webhooks.md shows it, each verified with its documented check', async () => {
      const t = server();
      const r = receiver();
      // Off the event loop that serves sends (the compiled worker: `npx tsc -b packages/server` first).
      expect(t.server.webhookDelivery()).toBe('worker');
      await t.createUsers('ev-alice', 'ev-bob', 'ev-carol');
      const alice = await t.connect('ev-alice');
      const aliceToken = await t.token('ev-alice');
      const sent = await send(t, aliceToken, 'ev-bob', 1, 'Hi Bob!');
      const mine = (e: ReceivedEvent) => JSON.stringify(e.data).includes('ev-');
      await eventually(() => r.ofType('message.offline').some((e) => e.data.messageId === sent.messageId));
      // The badge is the recipient's unread total as the POST went out: bob has this one message.
      expect(r.ofType('message.offline').find((e) => e.data.messageId === sent.messageId)?.data).toEqual({
        uid: 'ev-bob',
        fromUid: 'ev-alice',
        channelType: 1,
        channelId: 'ev-alice',
        messageId: sent.messageId,
        messageSeq: sent.messageSeq,
        contentType: 1,
        preview: 'Hi Bob!',
        mentioned: false,
        muted: false,
        unreadTotal: 1,
      });
      // Bob mutes the chat: his next message.offline says so (a push service stays silent).
      const bobMutes = await t.http('PUT', `/v1/conversations/${encodeURIComponent('p2p|ev-alice')}/mute`, {
        token: await t.token('ev-bob'),
        body: { muted: true },
      });
      expect(bobMutes.status).toBe(200);
      const quiet = await send(t, aliceToken, 'ev-bob', 1, 'Still there?');
      await eventually(() => r.ofType('message.offline').some((e) => e.data.messageId === quiet.messageId));
      expect(r.ofType('message.offline').find((e) => e.data.messageId === quiet.messageId)?.data).toMatchObject({
        muted: true,
        unreadTotal: 2,
      });
      expect(r.ofType('message.sent').find((e) => e.data.messageId === sent.messageId)?.data).toMatchObject({
        messageSeq: sent.messageSeq,
        fromUid: 'ev-alice',
        channelId: 'ev-bob',
        channelType: 1,
        payload: text('Hi Bob!'),
      });
      // Alice is online: no message.offline for her when bob answers.
      const bobToken = await t.token('ev-bob');
      const answer = await send(t, bobToken, 'ev-alice', 1, 'Hi Alice');

      expect(
        (await t.http('PATCH', `/v1/messages/${sent.messageId}`, { token: aliceToken, body: { payload: text('Hi Bob, edited') } })).status,
      ).toBe(200);
      expect((await t.http('POST', `/v1/messages/${sent.messageId}/revoke`, { token: aliceToken, body: {} })).status).toBe(200);
      // A streamed message: message.sent as it opens, message.stream_ended with the final text.
      const streamed = await t.http('POST', '/v1/messages', {
        token: aliceToken,
        body: { channelId: 'ev-bob', channelType: 1, clientMsgNo: 'ev-stream', payload: { type: 1, content: '' }, stream: true },
      });
      const streamPath = `/v1/messages/${streamed.body.messageId}/stream`;
      expect((await t.http('POST', streamPath, { token: aliceToken, body: { chunkNo: 1, delta: 'Hello from ' } })).status).toBe(200);
      expect((await t.http('POST', streamPath, { token: aliceToken, body: { chunkNo: 2, delta: 'the bot.' } })).status).toBe(200);
      expect((await t.http('POST', `${streamPath}/end`, { token: aliceToken, body: {} })).status).toBe(200);
      expect(
        (await t.http('POST', '/v1/conversations/delete', { token: aliceToken, body: { conversationIds: ['p2p|ev-bob'] } })).status,
      ).toBe(200);
      await t.adminOk('POST', '/groups', { groupId: 'ev-g', channelType: 2, ownerUid: 'ev-alice', name: 'Team', members: ['ev-bob'] });
      await t.adminOk('PATCH', '/groups/ev-g', { name: 'Team 2' });
      await t.adminOk('POST', '/groups/ev-g/members', { uids: ['ev-carol', 'ev-bob'] });
      await t.adminOk('PUT', '/groups/ev-g/admins', { uids: ['ev-carol'], isAdmin: true });
      await t.adminOk('PUT', '/groups/ev-g/members/ev-carol/mute', { muted: true });
      await t.adminOk('PUT', '/groups/ev-g/whitelist', { uids: ['ev-carol', 'ev-bob', 'ev-carol'] });
      await t.adminOk('PUT', '/groups/ev-g/retention', { retentionDays: 30 });
      await t.adminOk('POST', '/groups/ev-g/members/remove', { uids: ['ev-carol'] });
      await t.adminOk('PUT', '/groups/ev-g/owner', { uid: 'ev-bob' });
      await t.adminOk('DELETE', '/groups/ev-g');
      await alice.close();

      await eventually(() => r.events.some((e) => e.type === 'user.offline' && e.data.uid === 'ev-alice'));
      await eventually(() => Object.values(WebhookEventName).every((type) => r.events.some((e) => e.type === type && mine(e))));
      expect(r.events.some((e) => e.type === 'message.offline' && e.data.messageId === answer.messageId)).toBe(false);

      const examples = documentedExamples();
      expect([...examples.keys()].sort()).toEqual(Object.values(WebhookEventName).sort());
      for (const type of Object.values(WebhookEventName)) {
        const got = r.events.filter((e) => e.type === type && mine(e));
        for (const e of got) {
          expect(keysOf(e), type).toEqual(['createdAt', 'data', 'id', 'post', 'type']);
          // A streamed message's message.sent has `stream` too, as its message.new does (the example is a plain one).
          const keys = keysOf(e.data).filter((k) => !(type === 'message.sent' && k === 'stream'));
          expect(keys, type).toEqual(keysOf((examples.get(type) as { data: object }).data));
        }
      }
      const one = (type: string) => r.events.find((e) => e.type === type && mine(e))?.data;
      expect(one('message.edited')).toMatchObject({
        messageId: sent.messageId,
        editCount: 1,
        payload: text('Hi Bob, edited'),
        channelId: 'ev-bob',
      });
      expect(one('message.revoked')).toMatchObject({ messageId: sent.messageId, revoker: 'ev-alice', channelId: 'ev-bob' });
      expect(one('message.stream_ended')).toMatchObject({
        messageId: streamed.body.messageId,
        channelId: 'ev-bob',
        status: 'done',
        chunkNo: 2,
        payload: text('Hello from the bot.'),
      });
      expect(one('conversation.deleted')).toEqual({
        uid: 'ev-alice',
        conversationId: 'p2p|ev-bob',
        channelType: 1,
        channelId: 'ev-bob',
        deleteRoam: false,
      });
      expect(one('group.created')).toEqual({
        groupId: 'ev-g',
        channelType: 2,
        name: 'Team',
        ownerUid: 'ev-alice',
        allowHistory: false,
        members: ['ev-alice', 'ev-bob'],
      });
      expect(one('group.updated')).toEqual({ groupId: 'ev-g', channelType: 2, changes: { name: 'Team 2' } });
      expect(one('group.members_added')).toEqual({ groupId: 'ev-g', channelType: 2, uids: ['ev-carol'] });
      expect(one('group.members_removed')).toEqual({ groupId: 'ev-g', channelType: 2, uids: ['ev-carol'] });
      expect(one('group.owner_transferred')).toEqual({ groupId: 'ev-g', channelType: 2, ownerUid: 'ev-bob', previousOwnerUid: 'ev-alice' });
      expect(one('group.roles_set')).toEqual({ groupId: 'ev-g', channelType: 2, uids: ['ev-carol'], role: 'admin' });
      expect(one('group.member_muted')).toEqual({ groupId: 'ev-g', channelType: 2, uid: 'ev-carol', mutedUntil: -1 });
      expect(one('group.whitelist_set')).toEqual({ groupId: 'ev-g', channelType: 2, uids: ['ev-bob', 'ev-carol'] });
      expect(one('group.retention_set')).toEqual({ groupId: 'ev-g', channelType: 2, retentionDays: 30 });
      expect(one('group.dismissed')).toEqual({ groupId: 'ev-g', channelType: 2 });
      // Each channel's events in the order they happened.
      const channel = r.events
        .filter((e) => mine(e) && e.type.startsWith('message.') && e.data.messageId === sent.messageId)
        .map((e) => e.type);
      expect([...new Set(channel)]).toEqual(['message.sent', 'message.offline', 'message.edited', 'message.revoked']);
      const group = r.events.filter((e) => e.type.startsWith('group.') && e.data.groupId === 'ev-g').map((e) => e.type);
      expect([...new Set(group)]).toEqual([
        'group.created',
        'group.updated',
        'group.members_added',
        'group.roles_set',
        'group.member_muted',
        'group.whitelist_set',
        'group.retention_set',
        'group.members_removed',
        'group.owner_transferred',
        'group.dismissed',
      ]);
      const presence = r.events.filter((e) => e.type.startsWith('user.') && e.data.uid === 'ev-alice').map((e) => e.type);
      expect(presence).toEqual(['user.online', 'user.offline']);
      expect(r.rejected).toBe(0);
    });

    it('goes on delivering from the main thread when the worker dies, each channel still in order, nothing lost', async () => {
      const t = server();
      const r = receiver();
      await t.createUsers('wd-a', 'wd-b');
      const token = await t.token('wd-a');
      const before = [];
      for (let i = 0; i < 10; i++) before.push(await send(t, token, 'wd-b', 1, `before ${i}`));
      expect(t.server.webhookDelivery()).toBe('worker');
      expect(await t.server.crashWebhookWorker()).toBe(true);
      expect(t.server.webhookDelivery()).toBe('main thread');
      const after = [];
      for (let i = 0; i < 10; i++) after.push(await send(t, token, 'wd-b', 1, `after ${i}`));
      await eventually(() => sentIn(r, 'wd-a', 'wd-b').length === 20);
      expect(sentIn(r, 'wd-a', 'wd-b').map((e) => e.data.messageSeq)).toEqual([...before, ...after].map((m) => m.messageSeq));
      await eventually(async () => (await t.adminOk('GET', '/webhook')).pending === 0);
      expect(r.rejected).toBe(0);
    });

    it('documents a check that refuses forged and replayed requests', async () => {
      const verify: VerifyParley = await documentedVerify();
      const body = '{"events":[]}';
      const now = Date.now();
      const at = Math.floor(now / 1000);
      const headers = (timestamp: number, signature: string) => ({
        'x-parley-timestamp': String(timestamp),
        'x-parley-signature': signature,
      });
      expect(verify(SECRET, body, headers(at, `v1=${signatureOf(SECRET, at, body)}`), now)).toBe(true);
      expect(verify(SECRET, Buffer.from(body), headers(at, `v1=${signatureOf(SECRET, at, body)}`), now)).toBe(true);
      expect(verify(SECRET, body, headers(at, `v1=${signatureOf('another secret', at, body)}`), now)).toBe(false);
      expect(verify(SECRET, '{"events":[{}]}', headers(at, `v1=${signatureOf(SECRET, at, body)}`), now)).toBe(false);
      expect(verify(SECRET, body, headers(at - 600, `v1=${signatureOf(SECRET, at - 600, body)}`), now)).toBe(false);
      expect(verify(SECRET, body, headers(at, 'v1=00'), now)).toBe(false);
      expect(verify(SECRET, body, {}, now)).toBe(false);
    });

    it('loses nothing while the receiver is down, and keeps each channel in seq order', async () => {
      const t = server();
      const r = receiver();
      await t.createUsers('down-a', 'down-b', 'down-c');
      await t.adminOk('POST', '/groups', { groupId: 'down-g', channelType: 2, ownerUid: 'down-a', members: ['down-b', 'down-c'] });
      const tokens = { a: await t.token('down-a'), c: await t.token('down-c') };
      await r.stop();
      const acks: Array<{ messageId: string }> = [];
      for (let i = 0; i < 12; i++) {
        acks.push(await send(t, tokens.a, 'down-b', 1, `a to b ${i}`));
        acks.push(await send(t, tokens.c, 'down-b', 1, `c to b ${i}`));
        acks.push(await send(t, i % 2 ? tokens.a : tokens.c, 'down-g', 2, `group ${i}`));
      }
      // Delivery was tried and failed while the receiver was away.
      await eventually(async () => (await t.adminOk('GET', '/webhook')).failing.length > 0);
      await r.resume();
      await eventually(() => acks.every((a) => r.ofType('message.sent').some((e) => e.data.messageId === a.messageId)));
      for (const [from, channel] of [
        ['down-a', 'down-b'],
        ['down-c', 'down-b'],
      ] as const) {
        expect(sentIn(r, from, channel).map((e) => e.data.messageSeq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      }
      const group = r.ofType('message.sent').filter((e) => e.data.channelId === 'down-g');
      expect([...new Set(group.map((e) => e.data.messageSeq))]).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      await eventually(async () => (await t.adminOk('GET', '/webhook')).failing.length === 0);
    });

    it('keeps sending while the receiver sits on a request: no webhook work waits on it', async () => {
      const t = server();
      const r = receiver();
      await t.createUsers('slow-a', 'slow-b');
      const token = await t.token('slow-a');
      r.hold();
      const first = await send(t, token, 'slow-b', 1, 'first');
      await eventually(() => r.waiting > 0 && r.ofType('message.sent').some((e) => e.data.messageId === first.messageId));
      const later: Array<{ messageId: string }> = [];
      for (let i = 0; i < 20; i++) later.push(await send(t, token, 'slow-b', 1, `while held ${i}`));
      // Every one of them acked while the POST is still unanswered.
      expect(r.waiting).toBeGreaterThan(0);
      expect(later.filter((a) => r.events.some((e) => e.data.messageId === a.messageId))).toEqual([]);
      r.release();
      await eventually(() => later.every((a) => r.ofType('message.sent').some((e) => e.data.messageId === a.messageId)));
      expect(sentIn(r, 'slow-a', 'slow-b').map((e) => e.data.messageSeq)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    });
  });

  describe('user.online and user.offline', () => {
    // Long enough that a reconnect here always comes back within it.
    const env: Record<string, string> = { ...fastRetries, PARLEY_PRESENCE_GRACE_SECONDS: '3' };
    const receiver = useReceiver(env);
    const server = useServer(backend, env);
    /** Each user.* event of `uid` once (a batch posted again repeats its ids). */
    const presenceOf = (uid: string) => [
      ...new Map(
        receiver()
          .events.filter((e) => e.type.startsWith('user.') && e.data.uid === uid)
          .map((e) => [e.id, e.type]),
      ).values(),
    ];

    it('follow presence as users see it: a second device and a reconnect within the grace period are no change', async () => {
      const t = server();
      await t.createUsers('pw-a');
      const phone = await t.connect('pw-a', 'phone');
      const laptop = await t.connect('pw-a', 'laptop');
      await eventually(() => presenceOf('pw-a').length === 1);
      await phone.close();
      await laptop.close();
      const back = await t.connect('pw-a', 'laptop');
      await back.close();
      await eventually(() => presenceOf('pw-a').length === 2);
      await eventually(async () => (await t.server.ctx.webhooks.status()).pending === 0);
      expect(presenceOf('pw-a')).toEqual(['user.online', 'user.offline']);
    });

    it('reports the users connected when the server stops as gone offline, and stores when they were last seen', async () => {
      const t = server();
      await t.createUsers('pw-b');
      await t.connect('pw-b', 'phone');
      await eventually(() => presenceOf('pw-b').length === 1);
      await t.restart();
      await eventually(() => presenceOf('pw-b').length === 2);
      expect(presenceOf('pw-b')).toEqual(['user.online', 'user.offline']);
      // And when they were last seen is stored, not lost with the grace period's timer.
      const [read] = (await t.adminOk('POST', '/users/online', { uids: ['pw-b'] })).users;
      expect(read).toMatchObject({ online: false, lastSeen: expect.any(Number) });
    });
  });

  describe('dead letters', () => {
    const env: Record<string, string> = { ...fastRetries, PARLEY_WEBHOOK_MAX_AGE_SECONDS: '1' };
    const receiver = useReceiver(env);
    const server = useServer(backend, env);

    it('gives up on events older than PARLEY_WEBHOOK_MAX_AGE_SECONDS, lists them, and replays them', async () => {
      const t = server();
      const r = receiver();
      await t.createUsers('dl-a', 'dl-b');
      await t.connect('dl-b');
      const token = await t.token('dl-a');
      r.failing = true;
      const doomed: Array<{ messageId: string }> = [];
      for (let i = 0; i < 5; i++) doomed.push(await send(t, token, 'dl-b', 1, `doomed ${i}`));
      // Every one of them tried, failed, and given up on (user.online of dl-b too): nothing pending.
      await eventually(async () => {
        const status = await t.adminOk('GET', '/webhook');
        return status.pending === 0 && status.deadLetters >= 5;
      });

      const first = await t.adminOk('GET', '/webhook/dead-letters?limit=2');
      expect(first.deadLetters).toHaveLength(2);
      const rest = await t.adminOk('GET', `/webhook/dead-letters?limit=100&cursor=${first.cursor}`);
      expect(rest.cursor).toBeNull();
      const dead = [...first.deadLetters, ...rest.deadLetters];
      expect(
        dead.filter((d: { type: string }) => d.type === 'message.sent').map((d: { data: { messageId: string } }) => d.data.messageId),
      ).toEqual(doomed.map((a) => a.messageId));
      expect(dead.every((d: { lastError: string; diedAt: number }) => d.lastError === 'HTTP 500' && d.diedAt > 0)).toBe(true);

      // The channel is not held up by them any more.
      r.failing = false;
      const after = await send(t, token, 'dl-b', 1, 'after');
      await eventually(() => r.ofType('message.sent').some((e) => e.data.messageId === after.messageId));
      expect(r.events.some((e) => doomed.some((a) => a.messageId === e.data.messageId))).toBe(false);

      const one = dead[0] as { id: string };
      expect(await t.adminOk('POST', '/webhook/dead-letters/replay', { ids: [one.id] })).toEqual({
        replayed: 1,
        remaining: dead.length - 1,
      });
      expect(await t.adminOk('POST', '/webhook/dead-letters/replay', {})).toEqual({ replayed: dead.length - 1, remaining: 0 });
      await eventually(() => doomed.every((a) => r.ofType('message.sent').some((e) => e.data.messageId === a.messageId)));
      // Each with the id it had: a receiver that saw one before drops it.
      const ids = r
        .ofType('message.sent')
        .filter((e) => doomed.some((a) => a.messageId === e.data.messageId))
        .map((e) => e.id);
      expect(new Set(ids)).toEqual(
        new Set(dead.filter((d: { type: string }) => d.type === 'message.sent').map((d: { id: string }) => d.id)),
      );
      expect((await t.adminOk('GET', '/webhook/dead-letters')).deadLetters).toEqual([]);
      expect((await t.admin('GET', '/webhook/dead-letters?cursor=abc')).status).toBe(400);
    });

    it('discards dead letters for good, by id or the oldest ones, and they are never delivered', async () => {
      const t = server();
      const r = receiver();
      await t.createUsers('dd-a', 'dd-b');
      const token = await t.token('dd-a');
      r.failing = true;
      const dropped: Array<{ messageId: string }> = [];
      for (let i = 0; i < 3; i++) dropped.push(await send(t, token, 'dd-b', 1, `dropped ${i}`));
      await eventually(async () => {
        const status = await t.adminOk('GET', '/webhook');
        return status.pending === 0 && status.deadLetters >= 3;
      });
      const dead = (await t.adminOk('GET', '/webhook/dead-letters?limit=1000')).deadLetters as Array<{ id: string }>;
      const [one] = dead as [{ id: string }];
      expect(await t.adminOk('POST', '/webhook/dead-letters/discard', { ids: [one.id, '1'] })).toEqual({
        discarded: 1,
        remaining: dead.length - 1,
      });
      for (const body of [{ ids: [] }, { ids: [''] }, { ids: ['\u0000'] }, { ids: ['e1'] }, { ids: 'x' }, { all: true }]) {
        const res = await t.admin('POST', '/webhook/dead-letters/discard', body);
        expect([res.status, res.body.code], JSON.stringify(body)).toEqual([400, 'request.invalid']);
      }
      expect(await t.adminOk('POST', '/webhook/dead-letters/discard', {})).toEqual({ discarded: dead.length - 1, remaining: 0 });
      // Nothing is left to replay, and the receiver, back, never gets them.
      expect(await t.adminOk('POST', '/webhook/dead-letters/replay', {})).toEqual({ replayed: 0, remaining: 0 });
      r.failing = false;
      const after = await send(t, token, 'dd-b', 1, 'after');
      await eventually(() => r.ofType('message.sent').some((e) => e.data.messageId === after.messageId));
      expect(r.events.some((e) => dropped.some((a) => a.messageId === e.data.messageId))).toBe(false);
    });
  });

  describe('set through the admin API', () => {
    const env: Record<string, string> = { ...fastRetries };
    let r: WebhookReceiver;
    beforeAll(async () => {
      r = await WebhookReceiver.start(SECRET, await documentedVerify());
    });
    afterAll(async () => {
      await r?.close();
    });
    const server = useServer(backend, env);
    const outboxRows = async (t: TestServer) => (await t.rowCounts()).webhook_outbox;

    it('records nothing without a URL, and follows the URL the admin API sets on the fly', async () => {
      const t = server();
      await t.createUsers('ad-a', 'ad-b');
      const token = await t.token('ad-a');
      expect(await t.adminOk('GET', '/webhook')).toEqual({
        url: null,
        source: 'none',
        secret: '********',
        secretSource: 'PARLEY_WEBHOOK_SECRET',
        pending: 0,
        deadLetters: 0,
        failing: [],
      });
      await send(t, token, 'ad-b', 1, 'before');
      expect(await outboxRows(t)).toBe(0);

      const status = await t.adminOk('PUT', '/webhook', { url: `${r.url}?token=hunter2` });
      expect(status).toMatchObject({ url: `${r.url}?token=********`, source: 'admin' });
      const on = await send(t, token, 'ad-b', 1, 'on');
      await eventually(() => r.ofType('message.sent').some((e) => e.data.messageId === on.messageId));
      await eventually(async () => (await outboxRows(t)) === 0);
      // Stored: a restart keeps it.
      await t.restart();
      expect((await t.adminOk('GET', '/webhook')).source).toBe('admin');

      expect((await t.adminOk('PUT', '/webhook', { url: '' })).url).toBeNull();
      await send(t, token, 'ad-b', 1, 'off');
      expect(await outboxRows(t)).toBe(0);
      for (const url of ['ftp://example.com/x', 'not a url', '/relative']) {
        const res = await t.admin('PUT', '/webhook', { url });
        expect([res.status, res.body.code], url).toEqual([400, 'request.invalid']);
      }
      expect((await t.adminOk('PUT', '/webhook', { url: null })).source).toBe('none');
      const config = (await t.adminOk('GET', '/config')).entries as Array<{ key: string; value: unknown; masked: boolean }>;
      expect(config.find((e) => e.key === 'webhook.secret')).toEqual({ key: 'webhook.secret', value: '********', masked: true });
      expect(r.rejected).toBe(0);
    });
  });
});

describe('webhooks on the main thread', () => {
  it('delivers from the main thread where the store cannot be opened twice (in-memory SQLite), and closes cleanly', async () => {
    const receiver = await WebhookReceiver.start(SECRET, await documentedVerify());
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-webhook-memory-'));
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      PARLEY_DATA_DIR: dataDir,
      PARLEY_WEBHOOK_URL: receiver.url,
      PARLEY_WEBHOOK_SECRET: SECRET,
    });
    const server = await startServer(config, { storage: openSqlite({ file: ':memory:' }) });
    try {
      expect(server.webhookDelivery()).toBe('main thread');
      const secret = config.appSecret;
      for (const uid of ['mt-a', 'mt-b']) await httpCall(server.url, 'POST', '/v1/admin/users', { token: secret, body: { uid } });
      const token = (await httpCall(server.url, 'POST', '/v1/admin/users/mt-a/token', { token: secret, body: {} })).body.token;
      const res = await httpCall(server.url, 'POST', '/v1/messages', {
        token,
        body: { channelId: 'mt-b', channelType: 1, clientMsgNo: clientMsgNo(), payload: text('from memory') },
      });
      expect(res.status).toBe(200);
      await eventually(() => receiver.ofType('message.sent').some((e) => e.data.messageId === res.body.messageId));
      expect(receiver.rejected).toBe(0);
    } finally {
      await server.close();
      await receiver.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

/**
 * Webhooks through a crash: the compiled server (`dist/main.js`) SIGKILLed while a batch of events is
 * posted and unanswered and senders keep messages in flight, then started again on the same data.
 * Every message stored (read back from history) must reach the receiver as `message.sent`, more than
 * once only with the same event id, each channel's in seq order. Build first (`npx tsc -b packages/server`).
 */
import { eventually } from '@parley/test-kit/eventually';
import { afterEach, expect, it } from 'vitest';
import { describeEachProcessBackend } from '../../test-support/process-backends.js';
import { ServerProcess } from '../../test-support/server-process.js';
import { documentedVerify, type ReceivedEvent, WebhookReceiver } from '../../test-support/webhook-receiver.js';

const APP_SECRET = 'webhook-crash-test-secret';
const WEBHOOK_SECRET = 'webhook-crash-test-hook-secret';
const users = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5'];
/** Each user writes to the next: six 1:1 channels, each with one sender in flight at a time. */
const pairs = users.map((uid, i) => [uid, users[(i + 1) % users.length] as string] as const);
/** The receiver holds its answers once it has this many events: the next batch is cut off by the kill. */
const HOLD_AFTER_EVENTS = 60;

async function admin(server: ServerProcess, method: string, path: string, body?: unknown): Promise<any> {
  const res = await server.http(method, `/v1/admin${path}`, { token: APP_SECRET, body });
  if (res.status !== 200) throw new Error(`${method} ${path} -> ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Every message of a 1:1 channel as `reader` reads it, by seq. */
async function history(server: ServerProcess, token: string, peer: string): Promise<Array<{ messageId: string; messageSeq: number }>> {
  const all: Array<{ messageId: string; messageSeq: number }> = [];
  for (let from = 1; ; ) {
    const res = await server.http(
      'GET',
      `/v1/conversations/p2p%7C${peer}/messages?startSeq=${from}&direction=down&contain=true&limit=100`,
      {
        token,
      },
    );
    if (res.status !== 200) throw new Error(`history -> ${res.status} ${JSON.stringify(res.body)}`);
    all.push(...res.body.messages);
    const last = all[all.length - 1];
    if (!res.body.hasMoreAfter || !last) return all;
    from = last.messageSeq + 1;
  }
}

let cleanUp: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanUp?.();
  cleanUp = undefined;
});

await describeEachProcessBackend('webhooks: SIGKILL mid-delivery, restart on the same data', (backend) => {
  it('reports every stored message, duplicates only with their first id, each channel in seq order', async () => {
    const receiver = await WebhookReceiver.start(WEBHOOK_SECRET, await documentedVerify());
    const store = await backend.create();
    const started: ServerProcess[] = [];
    cleanUp = async () => {
      for (const child of started) await child.kill();
      await receiver.close();
      await store.dispose();
    };
    const env = {
      ...store.env,
      PARLEY_MODE: 'development',
      PARLEY_APP_SECRET: APP_SECRET,
      PARLEY_WEBHOOK_URL: receiver.url,
      PARLEY_WEBHOOK_SECRET: WEBHOOK_SECRET,
      // Small batches, so that several go out before the one the kill cuts off.
      PARLEY_WEBHOOK_BATCH_EVENTS: '10',
      PARLEY_WEBHOOK_RETRY_MIN_MS: '20',
      PARLEY_WEBHOOK_RETRY_MAX_SECONDS: '1',
      PARLEY_SEND_RATE_PER_SEC: '0',
      LOG_LEVEL: 'warn',
    };
    let server = await ServerProcess.start(env);
    started.push(server);
    await admin(server, 'POST', '/users/batch', { users: users.map((uid) => ({ uid })) });
    const tokens = new Map<string, string>();
    for (const uid of users) tokens.set(uid, (await admin(server, 'POST', `/users/${uid}/token`, {})).token);

    // Senders go on until the kill makes their requests fail.
    let sending = true;
    let acked = 0;
    const sent = pairs.map(async ([from, to], p) => {
      for (let i = 0; sending; i++) {
        const res = await server
          .http('POST', '/v1/messages', {
            token: tokens.get(from),
            body: { channelId: to, channelType: 1, clientMsgNo: `crash-${p}-${i}`, payload: { type: 1, content: `${from} ${i}` } },
          })
          .catch(() => undefined);
        if (res?.status !== 200) return;
        acked++;
      }
    });
    await eventually(() => receiver.events.length >= HOLD_AFTER_EVENTS);
    receiver.hold();
    await eventually(() => receiver.waiting > 0);
    // The batch the kill cuts off: received, never answered.
    const cutOffPost = receiver.posts - 1;
    const cutOff = receiver.events.filter((e) => e.post === cutOffPost).map((e) => e.id);
    await server.kill();
    expect(server.ending, server.outputTail).toBe('was stopped by SIGKILL');
    sending = false;
    await Promise.all(sent);
    const beforeRestart = receiver.events.length;
    receiver.release();

    server = await ServerProcess.start(env, server.port);
    started.push(server);
    const stored = new Map<string, number>();
    for (const [from, to] of pairs) {
      for (const m of await history(server, tokens.get(from) as string, to)) stored.set(m.messageId, m.messageSeq);
    }
    expect(stored.size).toBeGreaterThanOrEqual(acked);
    await eventually(() => [...stored.keys()].every((id) => receiver.ofType('message.sent').some((e) => e.data.messageId === id)));

    const sentEvents = receiver.ofType('message.sent');
    const idsByMessage = new Map<string, Set<string>>();
    for (const e of sentEvents) idsByMessage.set(e.data.messageId, (idsByMessage.get(e.data.messageId) ?? new Set()).add(e.id));
    expect([...idsByMessage].filter(([, ids]) => ids.size > 1)).toEqual([]);
    expect([...idsByMessage.keys()].filter((id) => !stored.has(id))).toEqual([]);
    for (const [from, to] of pairs) {
      const seen = new Set<string>();
      const firsts = sentEvents.filter((e: ReceivedEvent) => {
        if (e.data.fromUid !== from || e.data.channelId !== to || seen.has(e.id)) return false;
        seen.add(e.id);
        return true;
      });
      expect(
        firsts.map((e) => e.data.messageSeq),
        `${from} -> ${to}`,
      ).toEqual(Array.from({ length: firsts.length }, (_, i) => i + 1));
    }
    expect(receiver.rejected).toBe(0);
    // Never answered, so never taken out of the outbox: each came again after the restart, with its id.
    expect(cutOff.length).toBeGreaterThan(0);
    expect(cutOff.filter((id) => !receiver.events.some((e) => e.id === id && e.post > cutOffPost))).toEqual([]);
    console.log(
      `webhook crash test [${backend.name}]: ${acked} acked, ${stored.size} stored, ${beforeRestart} events before the restart, ` +
        `${receiver.events.length} received in all (${receiver.events.length - new Set(receiver.events.map((e) => e.id)).size} again)`,
    );
  }, 120_000);
});

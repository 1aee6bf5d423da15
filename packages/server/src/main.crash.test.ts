/**
 * The crash test: the compiled server (`dist/main.js`, what `npm start` runs) in a child process,
 * SIGKILLed while senders keep windows of unacked messages in flight, then restarted on the same data.
 * Every acked message must be stored exactly once with the seq and id of its ack, every channel's seqs
 * must run from 1 without gap or repeat, resends (same clientMsgNo) must be stored once and answered
 * with the first ack, and every conversation list must agree with the channels.
 *
 * It sits beside main.ts because its subject is the process main.ts runs. The parts are in test-support:
 * server-process (spawn, SIGKILL), process-backends (where the data lives), crash-load (the senders),
 * send-ledger (every send and ack), client-sessions (one process's connections), history-audit and
 * conversation-audit (the checks).
 */
import { afterEach, expect, it } from 'vitest';
import { ClientSessions } from './test-support/client-sessions.js';
import { auditConversations } from './test-support/conversation-audit.js';
import { CrashLoad, type LoadPlan, type LoadSender } from './test-support/crash-load.js';
import { auditHistory, auditSenderOrder, type ChannelSpec } from './test-support/history-audit.js';
import { describeEachProcessBackend, type ProcessStore } from './test-support/process-backends.js';
import { p2pChannel, type Send, SendLedger } from './test-support/send-ledger.js';
import { ServerProcess } from './test-support/server-process.js';

const APP_SECRET = 'crash-test-secret';
/** One kill per entry, after that many first acks of the round's load. */
const KILL_AFTER_ACKS = [150, 400, 250];
const ACKED_RESENDS_PER_ROUND = 30;

const wsUsers = Array.from({ length: 10 }, (_, i) => `u${i}`);
const restUsers = ['r0', 'r1'];
const everyone = [...wsUsers, ...restUsers];
const GROUP = 'group:crash-g';
const SUPER = 'super:crash-sg';

const ring = (i: number) => wsUsers[(i + wsUsers.length) % wsUsers.length] as string;
const senders: LoadSender[] = [
  // Each WebSocket user writes to both ring neighbours, so every 1:1 channel has two concurrent senders.
  ...wsUsers.map((uid, i) => ({
    uid,
    via: 'ws' as const,
    channels: [p2pChannel(uid, ring(i + 1)), GROUP, p2pChannel(uid, ring(i - 1)), SUPER],
  })),
  { uid: 'r0', via: 'rest', channels: [p2pChannel('r0', 'u0'), GROUP, SUPER] },
  { uid: 'r1', via: 'rest', channels: [p2pChannel('r1', 'u5'), SUPER, GROUP] },
];
const channels: ChannelSpec[] = [...new Set(senders.flatMap((s) => s.channels.filter((c) => c.startsWith('p2p:'))))].map((name) => ({
  name,
  members: name.slice('p2p:'.length).split('|'),
}));
channels.push({ name: GROUP, members: everyone }, { name: SUPER, members: everyone });
const plan: LoadPlan = { senders, window: 6, duplicateEvery: 16, maxSendsPerSender: 5000 };

const serverEnv = (store: ProcessStore) => ({
  ...store.env,
  PARLEY_MODE: 'development',
  PARLEY_APP_SECRET: APP_SECRET,
  PARLEY_SEND_RATE_PER_SEC: '0',
  LOG_LEVEL: 'warn',
});

async function admin(server: ServerProcess, path: string, body: unknown): Promise<any> {
  const res = await server.http('POST', `/v1/admin${path}`, { token: APP_SECRET, body });
  if (res.status !== 200) throw new Error(`POST ${path} -> ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Users, the group and the super group; returns every user's token (valid across restarts). */
async function setUp(server: ServerProcess): Promise<Map<string, string>> {
  await admin(server, '/users/batch', { users: everyone.map((uid) => ({ uid, name: uid })) });
  const groupId = (name: string) => name.slice(name.indexOf(':') + 1);
  await admin(server, '/groups', { groupId: groupId(GROUP), channelType: 2, ownerUid: 'u0', members: everyone });
  await admin(server, '/groups', { groupId: groupId(SUPER), channelType: 3, ownerUid: 'u0', members: everyone });
  const tokens = new Map<string, string>();
  for (const uid of everyone) tokens.set(uid, (await admin(server, `/users/${uid}/token`, {})).token);
  return tokens;
}

/** Resends, each as first sent (same transport and clientMsgNo), in the order they were made. */
async function resend(sessions: ClientSessions, ledger: SendLedger, sends: readonly Send[]): Promise<void> {
  const ordered = [...sends].sort((a, b) => a.round - b.round || a.index - b.index);
  const results = await Promise.all(ordered.map((send) => sessions.send(send)));
  results.forEach((result, i) => {
    const send = ordered[i] as Send;
    if ('ack' in result) ledger.ack(send, result.ack);
    else ledger.problems.push(`resend of ${send.clientMsgNo} after the restart: ${JSON.stringify(result)}`);
  });
}

/** A failure lists at most 40 problems, and how many more there were. */
const firstOf = (problems: string[]) => (problems.length > 40 ? [...problems.slice(0, 40), `and ${problems.length - 40} more`] : problems);

let cleanUp: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanUp?.();
  cleanUp = undefined;
});

await describeEachProcessBackend('crash: SIGKILL mid-load, restart on the same data', (backend) => {
  it(`keeps every acked message exactly once, in contiguous seqs, over ${KILL_AFTER_ACKS.length} kills`, async () => {
    const store = await backend.create();
    const started: ServerProcess[] = [];
    let sessions: ClientSessions | undefined;
    cleanUp = async () => {
      await sessions?.close();
      for (const child of started) await child.kill();
      await store.dispose();
    };
    const start = async (port?: number) => {
      const child = await ServerProcess.start(serverEnv(store), port);
      started.push(child);
      expect(child.health?.storage).toBe(backend.name);
      return child;
    };
    let server = await start();
    const tokens = await setUp(server);
    const ledger = new SendLedger();
    sessions = await ClientSessions.open(server, tokens, wsUsers);
    const summary: string[] = [];

    for (const [i, killAfter] of KILL_AFTER_ACKS.entries()) {
      const round = i + 1;
      const load = new CrashLoad(sessions, ledger, plan, round);
      await load.acked(killAfter).catch((error: Error) => {
        throw new Error(`round ${round}: ${error.message}; the server ${server.ending ?? 'still runs'}:\n${server.outputTail}`);
      });
      await server.kill();
      // It ran until this kill: had it died on its own first, that would be the bug to see.
      expect(server.ending, server.outputTail).toBe('was stopped by SIGKILL');
      await load.done;
      await sessions.close();
      const unacked = ledger.unacked();
      // The kill came while the senders had sends in flight: some are unanswered.
      expect(unacked.length).toBeGreaterThan(0);

      const restartedAt = Date.now();
      server = await start(server.port);
      sessions = await ClientSessions.open(server, tokens, wsUsers);
      await resend(sessions, ledger, unacked);
      await resend(sessions, ledger, ledger.ackedSample(ACKED_RESENDS_PER_ROUND));

      const { problems, histories } = await auditHistory(sessions, ledger, channels);
      problems.push(...auditSenderOrder(ledger, round), ...ledger.problems.splice(0));
      problems.push(...(await auditConversations(sessions, everyone, channels, histories)));
      expect(firstOf(problems), `round ${round}`).toEqual([]);

      const storedBeforeKill = unacked.filter((s) => (s.ack?.timestamp ?? Infinity) < restartedAt).length;
      summary.push(`round ${round}: ${load.acks} acked, ${unacked.length} in flight at the kill (${storedBeforeKill} already stored)`);
    }
    console.log(`crash test [${backend.name}]: ${summary.join('; ')}; ${ledger.all().length} messages checked`);
  }, 120_000);
});

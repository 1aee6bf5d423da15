import type { SoakClient } from './soak-client.js';
import { codeOf } from './soak-connection.js';
import type { SoakConversation } from './soak-coverage.js';
import type { SoakOperations } from './soak-operations.js';
import type { SoakStats } from './soak-stats.js';

export interface TrafficPlan {
  sendsPerSec: number;
  minutes: number;
  listsPerSec: number;
  historiesPerSec: number;
  revokesPerSec: number;
  /** Each user drops its connection and comes back about this often. */
  reconnectEverySec: number;
}

/** Unacked sends one user may have; past it the pacer falls behind instead of queueing without bound. */
const WINDOW = 100;
/** Reads, revokes or reconnects in progress of one kind; past it new ones are skipped. */
const MAX_OUTSTANDING = 64;
const TICK_MS = 10;
/** Share of sends that go to the user's group, when it has one. */
export const GROUP_SHARE = 0.1;

function pick(c: SoakClient): SoakConversation {
  const group = c.conversations.find((x) => x.channelType === 2);
  if (group && Math.random() < GROUP_SHARE) return group;
  const ones = c.conversations.filter((x) => x.channelType === 1);
  return ones[Math.floor(Math.random() * ones.length)] as SoakConversation;
}

/**
 * Paces sends at a fixed rate (round robin over the users), and lists, histories, revokes and
 * reconnects each at their own rate on random users, for `minutes`. Sends that cannot go out
 * within a second of their time are dropped and counted, so a stall never turns into a burst.
 */
export function runTraffic(clients: SoakClient[], ops: SoakOperations, stats: SoakStats, plan: TrafficPlan): Promise<{ seconds: number }> {
  const started = performance.now();
  const end = started + plan.minutes * 60_000;
  const issued = { send: 0, list: 0, history: 0, revoke: 0, reconnect: 0 };
  const outstanding = { list: 0, history: 0, revoke: 0, reconnect: 0 };
  let next = 0;

  const sendDue = (elapsed: number) => {
    let due = Math.floor(plan.sendsPerSec * elapsed) - issued.send;
    if (due > plan.sendsPerSec) {
      stats.count('sends not made (pacer over 1 s behind)', due - plan.sendsPerSec);
      issued.send += due - plan.sendsPerSec;
      due = plan.sendsPerSec;
    }
    for (let i = 0; i < due; i++) {
      let tries = 0;
      while (tries++ < clients.length) {
        const c = clients[next++ % clients.length] as SoakClient;
        if (!c.ready || c.unacked.size >= WINDOW) continue;
        c.send(pick(c));
        issued.send++;
        break;
      }
      if (tries > clients.length) return; // every user busy: try again next tick
    }
  };

  const fire = (kind: keyof typeof outstanding, rate: number, elapsed: number, run: (c: SoakClient, alt: boolean) => Promise<void>) => {
    const due = Math.floor(rate * elapsed) - issued[kind];
    for (let i = 0; i < due; i++) {
      issued[kind]++;
      const c = clients[Math.floor(Math.random() * clients.length)] as SoakClient;
      if (!c.ready || outstanding[kind] >= MAX_OUTSTANDING) {
        stats.count(`${kind} skipped (user reconnecting or ${MAX_OUTSTANDING} in progress)`);
        continue;
      }
      outstanding[kind]++;
      void run(c, issued[kind] % 2 === 0)
        .catch((err) => stats.error(`${kind}: ${codeOf(err)}`))
        .finally(() => outstanding[kind]--);
    }
  };

  return new Promise((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      if (now >= end) {
        clearInterval(timer);
        resolve({ seconds: (now - started) / 1000 });
        return;
      }
      const elapsed = (now - started) / 1000;
      sendDue(elapsed);
      fire('list', plan.listsPerSec, elapsed, (c, rest) => ops.list(c, rest));
      fire('history', plan.historiesPerSec, elapsed, (c, rest) => ops.history(c, rest));
      fire('revoke', plan.revokesPerSec, elapsed, (c, rest) => ops.revoke(c, rest));
      fire('reconnect', clients.length / plan.reconnectEverySec, elapsed, (c, abrupt) => c.reconnect(abrupt));
    }, TICK_MS);
  });
}

/** Waits (at most `timeoutMs`) until every user is connected with nothing unacked, then a moment for the last pushes. */
export async function drain(clients: SoakClient[], timeoutMs: number): Promise<number> {
  const until = performance.now() + timeoutMs;
  const busy = () => clients.some((c) => !c.ready || c.unacked.size > 0);
  while (busy() && performance.now() < until) await new Promise((r) => setTimeout(r, 100));
  await new Promise((r) => setTimeout(r, 2000));
  return clients.reduce((n, c) => n + c.unacked.size, 0);
}

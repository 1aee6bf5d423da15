import fs from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { runLoad } from './load-generator.js';
import { startParley } from './parley-process.js';
import { appendReport } from './report.js';
import { SoakOperations } from './soak-operations.js';
import { startProbes } from './soak-probes.js';
import { renderSoak } from './soak-report.js';
import { setUpWorld } from './soak-setup.js';
import { SoakStats } from './soak-stats.js';
import { freshStorage } from './soak-storage.js';
import { drain, runTraffic, type TrafficPlan } from './soak-traffic.js';
import { verify } from './soak-verify.js';

/**
 * `npm run soak -- --minutes N [--users 40] [--fraction 0.5] [--peak MSGS] [--calibrate-seconds 10] [--postgres URL] [--dry]`
 * Measures the send peak on a fresh server, then runs mixed traffic at `fraction` of it against
 * another fresh server for N minutes, reads every channel back, and appends the report to
 * BENCHMARKS.md (`--dry`: print only). Exits 1 if an acked message was lost or stored twice, or a
 * channel could not be read back to tell.
 */
const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    users: { type: 'string', default: '40' },
    fraction: { type: 'string', default: '0.5' },
    peak: { type: 'string' },
    'calibrate-seconds': { type: 'string', default: '10' },
    postgres: { type: 'string' },
    dry: { type: 'boolean', default: false },
  },
});
const command = `npm run soak -- ${process.argv.slice(2).join(' ')}`.trim();
const minutes = Number(values.minutes);
const fraction = Number(values.fraction);
const log = (line: string) => console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${line}`);

/** The send benchmark's load (50 pairs, 64 unacked each, as `npm run bench`) on a fresh server of the same kind. */
async function measurePeak(): Promise<{ perSecond: number; how: string }> {
  if (values.peak) return { perSecond: Number(values.peak), how: 'given with --peak' };
  const seconds = Number(values['calibrate-seconds']);
  const storage = await freshStorage('soak-peak', values.postgres);
  const parley = await startParley(storage.options);
  try {
    const r = await runLoad({
      pairs: 50,
      window: 64,
      warmupMs: 2000,
      durationMs: seconds * 1000,
      serverPid: parley.pid,
      urlFor: (uid) => parley.wsUrl(uid),
    });
    const how = `measured just before on a fresh server: 50 sender/receiver pairs, 64 unacked each, ${seconds} s after 2 s warm-up, stored + acked + delivered; p99 ${r.p99Ms.toFixed(0)} ms, server CPU ${r.serverCpuPct.toFixed(0)} %`;
    return { perSecond: r.perSecond, how };
  } finally {
    await parley.stop();
    await storage.remove();
  }
}

const peak = await measurePeak();
const plan: TrafficPlan = {
  sendsPerSec: Math.round(peak.perSecond * fraction),
  minutes,
  listsPerSec: 10,
  historiesPerSec: 20,
  revokesPerSec: 2,
  reconnectEverySec: 60,
};
log(`peak ${peak.perSecond.toFixed(0)} msgs/s (${peak.how}); soak target ${plan.sendsPerSec} msgs/s for ${minutes} min`);

const storage = await freshStorage('soak', values.postgres);
// At info level the log also names a signal that stops the server (requests are never logged).
const parley = await startParley({ ...storage.options, logLevel: 'info' });
parley.onUnexpectedExit((how) => {
  const tail = fs
    .readFileSync(storage.options.logFile as string, 'utf8')
    .trim()
    .split('\n')
    .slice(-3)
    .join('\n');
  console.error(
    `[soak] the server (pid ${parley.pid}) ${how}: this run is void, nothing is appended (its data stays in ${storage.options.dataDir}).\n${tail}`,
  );
  process.exit(2);
});
const stats = new SoakStats();
const users = Number(values.users);
const world = await setUpWorld(parley, users, stats);
const ops = new SoakOperations(world.ledger, stats);
log(`${users} users connected, ${world.channels.length} channels; traffic starts`);

stats.start();
const stopProbes = startProbes(parley.pid, parley.base, 5000, (s) => stats.sample(s));
let logged = 0;
const progress = setInterval(() => {
  const m = stats.latest;
  if (!m || m.minute === logged) return;
  logged = m.minute;
  const errors = [...stats.errors.values()].reduce((a, b) => a + b, 0);
  log(
    `minute ${m.minute}: ${m.sends} acked, ack p50 ${m.ack.p50.toFixed(1)} / p99 ${m.ack.p99.toFixed(1)} ms, RSS ${m.server.rssMb.toFixed(0)} MB, errors so far ${errors}`,
  );
}, 10_000);
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
const cpu = process.cpuUsage();
const { seconds } = await runTraffic(world.clients, ops, stats, plan);
const cpuUsed = process.cpuUsage(cpu);
loopDelay.disable();
clearInterval(progress);
stopProbes();
const rows = stats.finish();
log('traffic stopped; waiting for the last acks');
const neverAnswered = await drain(world.clients, 60_000);
log('reading every channel back');
const verification = await verify(world.channels, world.clients, world.ledger);

for (const c of world.clients) {
  c.stopping = true;
  await c.conn.close(false);
}
await parley.stop();
const errorLines = fs
  .readFileSync(storage.options.logFile as string, 'utf8')
  .split('\n')
  .filter((l) => /"level":(50|60)/.test(l));
const dbBytes = storage.size();
await storage.remove();

const tally = world.ledger.tally();
const body = renderSoak({
  users,
  groups: world.groups,
  storage: storage.label,
  peak,
  fraction,
  plan,
  seconds,
  stats,
  rows,
  tally,
  conflictingAcks: world.ledger.conflictingAcks,
  neverAnswered,
  verification,
  loadGenerator: { cpuPct: ((cpuUsed.user + cpuUsed.system) / 1000 / (seconds * 1000)) * 100, lagP99Ms: loopDelay.percentile(99) / 1e6 },
  serverLog: { errors: errorLines.length, first: errorLines.slice(0, 3).map((l) => l.slice(0, 200)) },
  dbBytes,
});
const title = `Soak: mixed traffic at ${fraction === 0.5 ? 'half' : `${fraction * 100} %`} of peak (issue 10)`;
console.log(`\n## ${title}\n\n${body}`);
if (!values.dry) appendReport(title, command, body);
const failed = tally.lost > 0 || tally.duplicates > 0 || world.ledger.conflictingAcks > 0 || verification.unreadable.length > 0;
process.exit(failed ? 1 : 0);

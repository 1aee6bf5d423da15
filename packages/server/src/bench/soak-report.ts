import { fmt } from './report.js';
import type { MinuteRow, ServerSample, SoakStats } from './soak-stats.js';
import { GROUP_SHARE, type TrafficPlan } from './soak-traffic.js';
import type { Verification } from './soak-verify.js';

export interface SoakResult {
  users: number;
  groups: number;
  storage: string;
  /** msgs/s, and how it was found. */
  peak: { perSecond: number; how: string };
  fraction: number;
  plan: TrafficPlan;
  /** Length of the traffic phase. */
  seconds: number;
  stats: SoakStats;
  rows: MinuteRow[];
  tally: { sent: number; acked: number; revoked: number; lost: number; duplicates: number };
  conflictingAcks: number;
  neverAnswered: number;
  verification: Verification;
  loadGenerator: { cpuPct: number; lagP99Ms: number };
  serverLog: { errors: number; first: string[] };
  dbBytes: number;
}

/**
 * RSS counts as flat when the last minutes' mean is within this share of the mean just after the
 * warm-up (the first third of the run): until SQLite's memory map (mmap_size, 256 MiB) and its page
 * cache have filled, RSS grows with the database by design; a leak keeps growing after that.
 */
const FLAT = 0.1;

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const table = (head: string[], rows: (string | number)[][]) =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);

export function renderSoak(r: SoakResult): string {
  const rows = r.rows;
  // Acks within the traffic phase (the per-minute rows), not the ones that came in while draining.
  const acked = rows.reduce((n, m) => n + m.sends, 0);
  const v = r.verification;
  const k = Math.min(5, Math.max(1, Math.floor(rows.length / 2)));
  const firstLast = (label: string, pick: (s: ServerSample) => number) => {
    const a = mean(rows.slice(0, k).map((x) => pick(x.server)));
    const b = mean(rows.slice(-k).map((x) => pick(x.server)));
    const sign = b >= a ? '+' : '';
    return [label, fmt(a), fmt(b), `${sign}${fmt(b - a)} (${sign}${fmt(a ? ((b - a) / a) * 100 : 0)} %)`];
  };
  const warm = rows.length >= 3 * k ? Math.floor(rows.length / 3) : 0;
  const rss0 = mean(rows.slice(warm, warm + k).map((x) => x.server.rssMb));
  const rss1 = mean(rows.slice(-k).map((x) => x.server.rssMb));
  const flat = rss0 > 0 && Math.abs(rss1 - rss0) <= FLAT * rss0;
  const p = r.plan;
  return [
    `A real Parley server (child process on 127.0.0.1, ${r.storage}) under mixed traffic for ${fmt(r.seconds / 60, 1)} min: ${r.users} users on one WebSocket each, 1:1 chats in a ring (each user with both neighbours) and ${r.groups} groups of 5 created through the admin API. The send rate limit is off for the soak users (\`PARLEY_SEND_RATE_PER_SEC=0\`); every other setting is the default. The load generator shares the machine.`,
    '',
    `- **peak: ${fmt(r.peak.perSecond, 0)} msgs/s** (${r.peak.how})`,
    `- **target: ${fmt(r.fraction * 100, 0)} % of peak = ${fmt(p.sendsPerSec, 0)} msgs/s; achieved ${fmt(acked / r.seconds, 0)} msgs/s** acked (${fmt(acked, 0)} sends, ${fmt(GROUP_SHARE * 100, 0)} % to groups where the user has one)`,
    `- besides: conversation.list ${p.listsPerSec}/s and message.history ${p.historiesPerSec}/s (each half over REST), revokes ${p.revokesPerSec}/s of own messages under a minute old, every user reconnecting about every ${p.reconnectEverySec} s (half clean close, half dropped socket), then repeating its unacked sends with the same clientMsgNo and catching up with conversation.sync + message.history`,
    `- **lost: ${r.tally.lost}** (acked, not in history) · **duplicates: ${r.tally.duplicates + r.conflictingAcks}** · seq gaps: ${v.seqGaps} · stored with a different seq/id/revoke state than acked: ${v.mismatches} · members who never got a message (live or catching up): ${v.deliveryGaps}`,
    ...(v.unreadable.length
      ? [`- **channels whose history could not be read (their losses are unknown): ${v.unreadable.join('; ')}**`]
      : []),
    `- **RSS ${flat ? 'flat' : 'NOT flat'}**: minutes ${warm + 1}-${warm + k} (after the warm-up, the first third of the run) ${fmt(rss0)} MB, last ${k} min ${fmt(rss1)} MB (flat = within ±${FLAT * 100} %; the table below shows the warm-up too)`,
    `- checked afterwards: ${fmt(v.messagesRead, 0)} messages read back in ${fmt(v.historyPages, 0)} history pages (${fmt(v.seconds, 0)} s); ${fmt(r.tally.acked, 0)} acked of ${fmt(r.tally.sent, 0)} sent, ${r.neverAnswered} never answered, ${v.storedNotAcked} stored but never acked, ${fmt(r.tally.revoked, 0)} revokes confirmed; database at the end: ${fmt(r.dbBytes / 2 ** 30, 2)} GiB`,
    `- server log: ${r.serverLog.errors} error lines${r.serverLog.first.length ? ` (first: ${r.serverLog.first.map((l) => `\`${l}\``).join('; ')})` : ''}; load generator: ${fmt(r.loadGenerator.cpuPct, 0)} % of a core, event-loop delay p99 ${fmt(r.loadGenerator.lagP99Ms)} ms`,
    '',
    table(
      ['operation', 'count'],
      sorted(r.stats.counts).map(([op, n]) => [op, fmt(n, 0)]),
    ),
    '',
    r.stats.errors.size
      ? table(
          ['error (code, reason code or close)', 'count'],
          sorted(r.stats.errors).map(([code, n]) => [code, fmt(n, 0)]),
        )
      : 'Errors: none.',
    '',
    table(
      ['server memory', `first ${k} min MB`, `last ${k} min MB`, 'change MB'],
      [
        firstLast('RSS', (s) => s.rssMb),
        firstLast('anonymous (heap, SQLite cache)', (s) => s.anonMb),
        firstLast('mapped files (SQLite mmap, code)', (s) => s.rssMb - s.anonMb),
        firstLast('V8 heap used', (s) => s.heapMb),
      ],
    ),
    '',
    'Per minute (latencies measured by the load generator, over loopback; server figures are means of samples every 5 s, loop delay the worst):',
    '',
    table(
      [
        'min',
        'sends acked',
        'ack p50 ms',
        'ack p99 ms',
        'list p99 ms',
        'history p99 ms',
        'reconnect+catch-up p99 ms',
        'RSS MB',
        'anon MB',
        'heap MB',
        'loop delay p99 ms',
        'server CPU',
      ],
      rows.map((m) => [
        m.minute,
        fmt(m.sends, 0),
        fmt(m.ack.p50, 2),
        fmt(m.ack.p99, 2),
        fmt(m.listP99, 2),
        fmt(m.historyP99, 2),
        fmt(m.catchUpP99, 0),
        fmt(m.server.rssMb, 0),
        fmt(m.server.anonMb, 0),
        fmt(m.server.heapMb, 0),
        fmt(m.server.lagP99Ms, 1),
        `${fmt(m.server.cpuPct, 0)} %`,
      ]),
    ),
  ].join('\n');
}

import fs from 'node:fs';
import { processCpuMs } from './load-generator.js';

/** What a set of processes spent over a window: CPU time, and the nodes' bus and socket-write counters from /metrics. */
export interface MeterReading {
  seconds: number;
  /** CPU ms per process, in the order given. */
  cpuMs: number[];
  /** This process's (the load generator's) CPU ms. */
  selfCpuMs: number;
  /** CPU ms of every `postgres` process, this run's backends and anyone else's (the database is shared). */
  postgresCpuMs: number;
  /** CPU ms the whole machine was busy (all cores, /proc/stat): what else ran shows as the rest. */
  machineBusyMs: number;
  /** CPU ms the hypervisor gave this virtual machine's cores to someone else (/proc/stat steal). */
  machineStealMs: number;
  busPublished: number;
  busReceived: number;
  /** The WebSocket gateways' socket writes, and the frames they carried. */
  wsWrites: number;
  wsFrames: number;
  /** Message commit transactions, and the messages they stored. */
  commits: number;
  committed: number;
}

export interface Meter {
  start(): Promise<void>;
  /** The difference since `start`. */
  stop(): Promise<MeterReading>;
}

interface Snapshot {
  at: number;
  cpu: number[];
  self: NodeJS.CpuUsage;
  machine: number;
  steal: number;
  postgres: Map<number, number>;
  counters: NodeCounters;
}

/** The parley_*_total counters the meter reads, summed over the nodes. */
interface NodeCounters {
  published: number;
  received: number;
  wsWrites: number;
  wsFrames: number;
  commits: number;
  committed: number;
}

const COUNTERS: Record<keyof NodeCounters, string> = {
  published: 'parley_bus_published_total',
  received: 'parley_bus_received_total',
  wsWrites: 'parley_ws_writes_total',
  wsFrames: 'parley_ws_frames_written_total',
  commits: 'parley_commit_batch_size_count',
  committed: 'parley_commit_batch_size_sum',
};

/** Counters with each value from `read`. */
const countersOf = (read: (key: keyof NodeCounters) => number): NodeCounters =>
  Object.fromEntries((Object.keys(COUNTERS) as Array<keyof NodeCounters>).map((key) => [key, read(key)])) as unknown as NodeCounters;

/** Reads CPU from /proc for `pids`, and sums the COUNTERS over the nodes at `bases`. */
export function meter(pids: readonly number[], bases: readonly string[]): Meter {
  let first: Snapshot | undefined;
  const snapshot = async (): Promise<Snapshot> => {
    const cpu = pids.map((pid) => processCpuMs(pid));
    const self = process.cpuUsage();
    const { busy: machine, steal } = machineCpuMs();
    const postgres = postgresCpu();
    const at = performance.now();
    const each = await Promise.all(bases.map(nodeCounters));
    const counters = countersOf((key) => each.reduce((sum, c) => sum + c[key], 0));
    return { at, cpu, self, machine, steal, postgres, counters };
  };
  return {
    start: async () => {
      first = await snapshot();
    },
    stop: async () => {
      if (!first) throw new Error('meter stopped before it started');
      const last = await snapshot();
      return {
        seconds: (last.at - first.at) / 1000,
        cpuMs: last.cpu.map((ms, i) => ms - (first?.cpu[i] ?? 0)),
        selfCpuMs: (last.self.user + last.self.system - first.self.user - first.self.system) / 1000,
        machineBusyMs: last.machine - first.machine,
        machineStealMs: last.steal - first.steal,
        // A backend that started meanwhile counts whole; one that ended meanwhile is missed (pools keep theirs open).
        postgresCpuMs: [...last.postgres].reduce((sum, [pid, ms]) => sum + ms - (first?.postgres.get(pid) ?? 0), 0),
        busPublished: last.counters.published - first.counters.published,
        busReceived: last.counters.received - first.counters.received,
        wsWrites: last.counters.wsWrites - first.counters.wsWrites,
        wsFrames: last.counters.wsFrames - first.counters.wsFrames,
        commits: last.counters.commits - first.counters.commits,
        committed: last.counters.committed - first.counters.committed,
      };
    },
  };
}

async function nodeCounters(base: string): Promise<NodeCounters> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return countersOf((key) => value(COUNTERS[key]));
}

/**
 * CPU ms of all cores since boot (/proc/stat): busy is user, nice, system, irq and softirq; steal is
 * time the hypervisor ran someone else. Both 0 where unavailable.
 */
function machineCpuMs(): { busy: number; steal: number } {
  try {
    const fields = (fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1, 9).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
    // USER_HZ is 100 on Linux.
    return { busy: (user + nice + system + irq + softirq) * 10, steal: steal * 10 };
  } catch {
    return { busy: 0, steal: 0 };
  }
}

/** CPU ms of each process named `postgres` (server, backends, WAL writer...) by pid; empty where /proc is missing. */
function postgresCpu(): Map<number, number> {
  const cpu = new Map<number, number>();
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return cpu;
  }
  for (const pid of pids) {
    try {
      if (fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres') cpu.set(Number(pid), processCpuMs(Number(pid)));
    } catch {
      // Gone meanwhile.
    }
  }
  return cpu;
}

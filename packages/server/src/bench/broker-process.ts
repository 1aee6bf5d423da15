import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './child-process.js';

export type BrokerKind = 'redis' | 'nats';

const BINARIES: Record<BrokerKind, string> = { redis: 'redis-server', nats: 'nats-server' };

/**
 * A broker of the benchmark's own on a free port: its CPU time is this run's alone (the machine's
 * shared Redis or NATS also serves other work), and nothing else publishes on it.
 */
export interface BrokerProcess {
  kind: BrokerKind;
  url: string;
  pid: number;
  /** `redis-server v=7.0.15 ...`, for the report. */
  version: string;
  stop(): Promise<void>;
}

export function brokerBinary(kind: BrokerKind): string | undefined {
  for (const dir of ['/usr/sbin', '/usr/bin', '/usr/local/bin', ...(process.env.PATH ?? '').split(':')]) {
    const file = path.join(dir, BINARIES[kind]);
    if (dir && fs.existsSync(file)) return file;
  }
  return undefined;
}

export async function startBroker(kind: BrokerKind): Promise<BrokerProcess> {
  const binary = brokerBinary(kind);
  if (!binary) throw new Error(`${BINARIES[kind]} is not installed (Debian: apt-get install ${BINARIES[kind]})`);
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-bench-broker-'));
  const args =
    kind === 'redis'
      ? ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir]
      : ['-a', '127.0.0.1', '-p', String(port)];
  const child: ChildProcess = spawn(binary, args, { stdio: 'ignore' });
  await waitForPort(port, child);
  return {
    kind,
    url: `${kind}://127.0.0.1:${port}`,
    pid: child.pid ?? 0,
    version: versionOf(binary),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function versionOf(binary: string): string {
  try {
    return execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim().split('\n')[0] ?? '';
  } catch {
    return 'unknown version';
  }
}

/** Resolves once the broker listens on `port`; rejects if it exits first or never does. */
export async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (child.exitCode !== null) throw new Error(`broker exited with ${child.exitCode} before listening`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`broker did not open port ${port}`);
}

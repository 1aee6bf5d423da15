import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe } from 'vitest';
// One way to find and wait for a broker, the benchmarks' (they run from dist and cannot import this kit).
import { type BrokerKind, brokerBinary, waitForPort } from '../../server/src/bench/broker-process.js';
import { freePort } from './free-port.js';

export type { BrokerKind };

const binaries: Record<BrokerKind, string> = { redis: 'redis-server', nats: 'nats-server' };

/** CI sets this so that a missing broker fails the run instead of quietly skipping suites. */
const brokersRequired = (): boolean => process.env.PARLEY_REQUIRE_BROKERS === '1';

/**
 * A broker of the test's own, on a free port, so that a test may stop and restart it without
 * touching the machine's shared service or another test file's traffic.
 */
export class PrivateBroker {
  private process: ChildProcess | undefined;
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-broker-'));

  private constructor(
    readonly kind: BrokerKind,
    readonly port: number,
  ) {}

  static async start(kind: BrokerKind): Promise<PrivateBroker> {
    const broker = new PrivateBroker(kind, await freePort());
    await broker.up();
    return broker;
  }

  get url(): string {
    return `${this.kind}://127.0.0.1:${this.port}`;
  }

  /** Kills the broker at once, as a crash would: nothing it held is kept. */
  async kill(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** Starts it again on the same port. */
  async up(): Promise<void> {
    const binary = brokerBinary(this.kind) as string;
    const args =
      this.kind === 'redis'
        ? ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir]
        : ['-a', '127.0.0.1', '-p', String(this.port)];
    this.process = spawn(binary, args, { stdio: 'ignore' });
    await waitForPort(this.port, this.process);
  }

  async stop(): Promise<void> {
    await this.kill();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * `describe` when the broker's server binary is installed; otherwise the suite is skipped with a line
 * saying why and how to install it (and fails instead when PARLEY_REQUIRE_BROKERS=1, as in CI).
 */
export function describeBroker(kind: BrokerKind, name: string, suite: () => void): void {
  const binary = brokerBinary(kind);
  if (binary) {
    describe(name, suite);
    return;
  }
  const why = `${binaries[kind]} is not installed (Debian: apt-get install ${kind === 'redis' ? 'redis-server' : 'nats-server'})`;
  if (brokersRequired()) throw new Error(`${name}: ${why}, and PARLEY_REQUIRE_BROKERS=1`);
  console.warn(`parley: skipping "${name}": ${why}`);
  describe.skip(`${name} (skipped: ${why})`, suite);
}

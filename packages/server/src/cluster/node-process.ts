import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { SERVER_NODE_FLAGS } from '../node-flags.js';
import { readySignal } from '../ready-signal.js';

const MAIN = path.resolve(import.meta.dirname, '..', 'main.js');

export interface NodeSpec {
  /** 1-based, as printed; also its PARLEY_NODE_ID. */
  n: number;
  host: string;
  port: number;
  env: Record<string, string>;
  logFile: string;
}

export interface Health {
  status: string;
  storage: string;
  connections: number;
  bus: { kind: string; connected: boolean; reconnects: number };
}

/** One node of the trial cluster: `dist/main.js` in a child process. */
export class ClusterNode {
  private stopping = false;

  private constructor(
    readonly spec: NodeSpec,
    readonly child: ChildProcess,
  ) {}

  get url(): string {
    return `http://${this.spec.host}:${this.spec.port}`;
  }

  /**
   * Starts the node and resolves once /healthz answers. Its JSON log goes to `logFile`; its stderr
   * (where a failed start says why in one line) is shown here, each line marked with the node.
   */
  static async start(spec: NodeSpec): Promise<ClusterNode> {
    const log = fs.openSync(spec.logFile, 'a');
    let child: ChildProcess;
    try {
      // Each node runs as `npm start` runs the server: with its Node flags.
      child = spawn(process.execPath, [...SERVER_NODE_FLAGS, MAIN], {
        env: { ...process.env, ...spec.env, PORT: String(spec.port), HOST: spec.host, PARLEY_NODE_ID: String(spec.n) },
        // The IPC channel carries the node's 'ready' (ready-signal.ts): the answer on its port is then its own.
        stdio: ['ignore', log, 'pipe', 'ipc'],
        // Its own process group: Ctrl-C in the terminal reaches the script only, which stops the nodes in order.
        detached: true,
      });
    } finally {
      fs.closeSync(log);
    }
    if (child.stderr) readline.createInterface({ input: child.stderr }).on('line', (line) => console.error(`[node ${spec.n}] ${line}`));
    const node = new ClusterNode(spec, child);
    await node.waitReady();
    return node;
  }

  async health(): Promise<Health | string> {
    try {
      const res = await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(2000) });
      return (await res.json()) as Health;
    } catch (err) {
      return `no answer (${(err as Error).message})`;
    }
  }

  /** Calls `handler` if the process ends before `stop()`: a crash, or someone killed it to try a failover. */
  onUnexpectedExit(handler: (how: string) => void): void {
    this.child.once('exit', (code, signal) => {
      if (!this.stopping) handler(signal ? `killed by ${signal}` : `exited with code ${code}`);
    });
  }

  /** SIGTERM: the node closes its connections (clients reconnect elsewhere) and exits. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  private async waitReady(): Promise<void> {
    const outcome = await readySignal(this.child, 60_000);
    if (outcome === 'ready') return;
    if (outcome === 'exited') {
      const { exitCode, signalCode } = this.child;
      throw new Error(`node ${this.spec.n} ${signalCode ? `was killed by ${signalCode}` : `exited with code ${exitCode}`} while starting`);
    }
    await this.stop();
    throw new Error(`node ${this.spec.n} did not say it was listening at ${this.url} within 60 s`);
  }
}

/** `ok, bus redis connected (0 reconnects), storage postgres, 0 connections` */
export function healthLine(h: Health | string): string {
  if (typeof h === 'string') return h;
  const bus = `bus ${h.bus.kind} ${h.bus.connected ? 'connected' : 'DISCONNECTED'}${h.bus.reconnects ? ` (${h.bus.reconnects} reconnects)` : ''}`;
  return `${h.status}, ${bus}, storage ${h.storage}, ${h.connections} connections`;
}

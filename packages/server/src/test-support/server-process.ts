import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@parley/test-kit/free-port';
import { readySignal } from '../ready-signal.js';

/** The compiled server: `npm test` builds it (`npm run check` runs `tsc -b packages/server`) before vitest. */
export const SERVER_MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/**
 * A source file of the server or the protocol edited after their last build, if any (the check
 * `tsc -b` makes): a test run alone, without `npm test`, would exercise the old build.
 */
function editedSinceBuild(): string | undefined {
  for (const pkg of ['protocol', 'server']) {
    const root = fileURLToPath(new URL(`../../../${pkg}/`, import.meta.url));
    const builtAt = fs.statSync(path.join(root, 'tsconfig.tsbuildinfo'), { throwIfNoEntry: false })?.mtimeMs ?? 0;
    const edited = editedSince(path.join(root, 'src'), builtAt);
    if (edited) return path.join(pkg, path.relative(root, edited));
  }
  return undefined;
}

function editedSince(dir: string, time: number): string | undefined {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const edited = entry.name === 'test-support' ? undefined : editedSince(file, time);
      if (edited) return edited;
    } else if (entry.name.endsWith('.ts') && !/\.(test|contract)\.ts$/.test(entry.name) && fs.statSync(file).mtimeMs > time) {
      return file;
    }
  }
  return undefined;
}

let buildChecked = false;

const START_ATTEMPTS = 3;
const READY_TIMEOUT_MS = 30_000;
const OUTPUT_TAIL_CHARS = 4000;

export interface HttpResult {
  status: number;
  body: any;
}

/**
 * `node packages/server/dist/main.js` as a child process a test can SIGKILL: a real crash, with no
 * shutdown hook running. Settings come only from `env` (every inherited PARLEY_* and DATABASE_URL is
 * dropped), so a developer's shell cannot point the test at other data.
 */
export class ServerProcess {
  private readonly exited: Promise<void>;
  private output = '';
  private sent: NodeJS.Signals | undefined;
  /** The `/healthz` answer that said the process was ready: `storage` names the backend it opened. */
  health: { status: string; mode: string; storage: string } | undefined;
  /** Keep-alive connections for this process only: none of them outlives it into the next one. */
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    const keep = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  /**
   * Starts the server on `port` (default: a free one) on loopback; resolves once `/healthz` answers ok.
   * `nodeFlags` go to Node before the script (`SERVER_NODE_FLAGS`: as `npm start` runs it).
   */
  static async start(env: Record<string, string>, port?: number, nodeFlags: readonly string[] = []): Promise<ServerProcess> {
    if (!fs.existsSync(SERVER_MAIN)) {
      throw new Error(`${SERVER_MAIN} is missing: build the server first (npx tsc -b packages/server, or npm test, which does)`);
    }
    if (!buildChecked) {
      buildChecked = true;
      const edited = editedSinceBuild();
      if (edited) console.warn(`${edited} changed since the last build: run npx tsc -b packages/server to test the current code`);
    }
    let chosen = port ?? (await freePort());
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !key.startsWith('PARLEY_') && key !== 'DATABASE_URL'),
    );
    for (let attempt = 1; ; attempt++) {
      const child = spawn(process.execPath, [...nodeFlags, SERVER_MAIN], {
        env: { ...inherited, ...env, PORT: String(chosen), HOST: '127.0.0.1' },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      });
      const server = new ServerProcess(child, chosen);
      try {
        await server.waitUntilReady();
        return server;
      } catch (error) {
        // On a busy shared machine another process's signal has hit a starting server, or another
        // process took the free port between our look and the server's listen: neither says anything
        // about Parley, and the data is untouched, so start it again (on a new port if we chose it).
        const portTaken = port === undefined && server.outputTail.includes('EADDRINUSE');
        if (!(server.signalledFromOutside || portTaken) || attempt === START_ATTEMPTS) throw error;
        await server.kill();
        if (portTaken) chosen = await freePort();
        console.warn(`${(error as Error).message.split('\n')[0]}; starting it again`);
      }
    }
  }

  /** The server's process id (its threads are in /proc/<pid>/task). */
  get pid(): number {
    return this.child.pid as number;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${this.port}/v1/ws`;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** What the process printed last (its log lines and errors), for failure messages. */
  get outputTail(): string {
    return this.output;
  }

  /** How the process ended (undefined while it runs), naming a signal this object did not send. */
  get ending(): string | undefined {
    const { exitCode, signalCode } = this.child;
    if (this.running) return undefined;
    // main.ts exits 0 only after a graceful shutdown, which SIGTERM or SIGINT starts.
    if (signalCode === null) return exitCode === 0 ? 'shut down gracefully (SIGTERM or SIGINT)' : `exited with code ${exitCode}`;
    return signalCode === this.sent ? `was stopped by ${signalCode}` : `was stopped by ${signalCode}, which the test did not send`;
  }

  /** Stopped by a signal this object did not send (a graceful exit follows SIGTERM or SIGINT). */
  get signalledFromOutside(): boolean {
    const { exitCode, signalCode } = this.child;
    return signalCode === null ? exitCode === 0 : signalCode !== this.sent;
  }

  /** SIGKILL: the process stops wherever it is, mid-commit included. Resolves once it has exited. */
  async kill(): Promise<void> {
    if (this.running) {
      this.sent = 'SIGKILL';
      this.child.kill('SIGKILL');
    }
    await this.exited;
    this.agent.destroy();
  }

  /** One JSON request over this process's own connections; rejects only if no answer arrives. */
  http(method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<HttpResult> {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    return new Promise((resolve, reject) => {
      const req = http.request(`${this.url}${path}`, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {}
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /**
   * Resolves once the child says it is listening (`readySignal`), then
   * keeps its `/healthz`. Polling the port alone is not enough: another test's server can take a port
   * freePort() just answered, and its /healthz would pass for this one's while this one fails to listen.
   */
  private async waitUntilReady(): Promise<void> {
    const said = await readySignal(this.child, READY_TIMEOUT_MS);
    if (said === 'exited') {
      throw new Error(`the server (pid ${this.child.pid}) did not become ready: it ${this.ending}\n${this.output}`);
    }
    if (said === 'timeout') {
      await this.kill();
      throw new Error(`the server did not say it was listening within ${READY_TIMEOUT_MS} ms:\n${this.output}`);
    }
    const health = await this.http('GET', '/healthz');
    if (health.status !== 200 || health.body?.status !== 'ok') {
      await this.kill();
      throw new Error(`the server is listening but /healthz answered ${health.status} ${JSON.stringify(health.body)}`);
    }
    this.health = health.body;
  }
}

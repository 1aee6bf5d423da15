import { Worker } from 'node:worker_threads';
import type { WebhookConfig } from '../../config.js';
import { SERVER_NODE_FLAGS } from '../../node-flags.js';
import type { StorageSource } from '../../ports/storage/index.js';
import type { WarningLog, WebhookDispatcher } from './dispatcher.js';

/** What the delivery worker is started with (`workerData`): plain data only. */
export interface DeliveryWorkerStart {
  source: StorageSource;
  config: WebhookConfig;
  /** The lease owner, as the in-process loop would name it: the same node across restarts and fallbacks. */
  owner: string;
  /** PARLEY_RETENTION_DAYS: the unread total of `message.offline` leaves out what has expired. */
  retentionDefaultDays: number;
}

/** Main thread -> worker. */
export type ToDeliveryWorker = { type: 'nudge' } | { type: 'endpoint' } | { type: 'close' };
/** Worker -> main thread. */
export type FromDeliveryWorker =
  | { type: 'ready' }
  | { type: 'delivered'; events: number }
  | { type: 'failed'; died: number }
  | { type: 'warn'; fields: object; message: string }
  | { type: 'closed' };

/** Where the delivery loop of this node runs: what `app.ts` starts, nudges and closes. */
export interface WebhookDelivery {
  /** 'worker' or 'main thread' (no worker could start, or none was asked for). */
  readonly where: 'worker' | 'main thread';
  start(): Promise<void>;
  /** New events were committed here (or replayed): look now. */
  nudge(): void;
  /** The URL changed (here or on another node): read it again now. */
  endpointChanged(): void;
  /** Fault tests: ends the worker as a crash would (false without one); the loop goes on here. */
  crashWorker(): Promise<boolean>;
  close(): Promise<void>;
}

/** The loop on the main thread's event loop, beside the sends: the fallback, and what tests may ask for. */
export class InProcessDelivery implements WebhookDelivery {
  readonly where = 'main thread';
  constructor(private readonly dispatcher: WebhookDispatcher) {}
  async start(): Promise<void> {
    this.dispatcher.start();
  }
  nudge(): void {
    this.dispatcher.nudge();
  }
  endpointChanged(): void {
    // It reads the main thread's endpoint, which has the change already.
    this.dispatcher.nudge();
  }
  async crashWorker(): Promise<boolean> {
    return false;
  }
  close(): Promise<void> {
    return this.dispatcher.close();
  }
}

/** How long close() waits for the worker to free its leases before it stops the thread anyway. */
const CLOSE_WAIT_MS = 15_000;

export interface WorkerDeliveryDeps {
  /** The compiled worker script (dist/webhook-worker.js). */
  script: URL;
  start: DeliveryWorkerStart;
  log: WarningLog & { error(fields: object, message: string): void };
  onDelivered: (events: number) => void;
  onFailed: (died: number) => void;
  /** The loop on the main thread, used when the worker cannot start or dies. */
  fallback: () => WebhookDispatcher;
  /** Whether a URL is set: until one is, no worker is started (most servers never set one). */
  wanted: () => boolean;
}

/**
 * The delivery loop (claim, render, sign, POST, and the bookkeeping of what was delivered or failed)
 * on a worker thread with its own connection to the store, so that none of its CPU is spent on the
 * event loop that serves sends. The main thread only tells it of new events (`nudge`, one message per
 * event-loop turn at most: WebhookEvents coalesces them) and of URL changes, and counts what it
 * reports. If the worker cannot start, or dies, the loop runs on the main thread instead (logged):
 * its leases carry the same owner, which the new loop frees first, so nothing waits for them.
 */
export class WorkerDelivery implements WebhookDelivery {
  private worker: Worker | undefined;
  private inProcess: InProcessDelivery | undefined;
  private closing = false;
  private closed: (() => void) | undefined;

  constructor(private readonly deps: WorkerDeliveryDeps) {}

  get where(): 'worker' | 'main thread' {
    return this.inProcess ? 'main thread' : 'worker';
  }

  /** Starts the worker now if a URL is set, else once one is (`endpointChanged`). */
  async start(): Promise<void> {
    this.started = true;
    if (this.deps.wanted()) await this.spawn();
  }

  private started = false;
  private spawning: Promise<void> | undefined;

  private spawn(): Promise<void> {
    this.spawning ??= this.startWorker();
    return this.spawning;
  }

  private async startWorker(): Promise<void> {
    let worker: Worker;
    try {
      worker = new Worker(this.deps.script, {
        workerData: this.deps.start,
        name: 'parley-webhooks',
        execArgv: workerExecArgv(process.execArgv),
      });
    } catch (err) {
      return this.fallBack(err);
    }
    this.worker = worker;
    await new Promise<void>((resolve) => {
      worker.on('message', (m: FromDeliveryWorker) => {
        if (m.type === 'ready') resolve();
        else this.onMessage(m);
      });
      worker.on('error', (err) => {
        this.deps.log.error({ err }, 'webhook: the delivery worker failed');
      });
      worker.on('exit', (code) => {
        this.worker = undefined;
        this.closed?.();
        if (this.closing) return resolve();
        // Died before it was ready, or later: the loop goes on here.
        void this.fallBack(new Error(`the delivery worker exited (code ${code})`)).then(resolve);
      });
    });
  }

  async crashWorker(): Promise<boolean> {
    const worker = this.worker;
    if (!worker) return false;
    const fellBack = new Promise<void>((resolve) => worker.once('exit', () => setImmediate(resolve)));
    await worker.terminate();
    await fellBack;
    return true;
  }

  nudge(): void {
    if (this.inProcess) this.inProcess.nudge();
    else this.post({ type: 'nudge' });
  }

  endpointChanged(): void {
    if (this.inProcess) this.inProcess.endpointChanged();
    else if (this.worker) this.post({ type: 'endpoint' });
    // It reads the URL as it starts: nothing to tell it then.
    else if (this.started && !this.closing && this.deps.wanted()) void this.spawn();
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.spawning;
    const worker = this.worker;
    if (worker) {
      // The worker stops its loop (a POST in flight abandoned), frees its leases and closes its store.
      const exited = new Promise<void>((resolve) => {
        this.closed = resolve;
      });
      worker.postMessage({ type: 'close' } satisfies ToDeliveryWorker);
      const timer = setTimeout(() => void worker.terminate(), CLOSE_WAIT_MS);
      await exited;
      clearTimeout(timer);
    }
    await this.inProcess?.close();
  }

  private post(message: ToDeliveryWorker): void {
    this.worker?.postMessage(message);
  }

  private onMessage(m: FromDeliveryWorker): void {
    switch (m.type) {
      case 'delivered':
        this.deps.onDelivered(m.events);
        break;
      case 'failed':
        this.deps.onFailed(m.died);
        break;
      case 'warn':
        this.deps.log.warn({ ...m.fields, thread: 'webhook-worker' }, m.message);
        break;
      case 'closed':
        // Its store is closed: it ends by itself; terminate() makes sure of it.
        void this.worker?.terminate();
        break;
    }
  }

  private async fallBack(err: unknown): Promise<void> {
    if (this.closing || this.inProcess) return;
    this.deps.log.warn({ err }, 'webhook: no delivery worker, delivering on the main thread');
    this.inProcess = new InProcessDelivery(this.deps.fallback());
    await this.inProcess.start();
  }
}

/**
 * The worker's `execArgv`: undefined, so that it inherits the process's options, unless they hold
 * export conditions, which it must not have (see `withoutConditions`). Node refuses V8 options given
 * to a worker explicitly (ERR_WORKER_INVALID_EXEC_ARGV) though it inherits them: passing the
 * process's own list failed under `npm start`'s `--max-semi-space-size=64`, and every delivery ran on
 * the main thread. So the list passed, when one is, leaves out the V8 heap flags the server is
 * started with; V8 applies them to the whole process anyway.
 */
export function workerExecArgv(execArgv: readonly string[]): string[] | undefined {
  const kept = withoutConditions(execArgv);
  if (kept.length === execArgv.length) return undefined;
  return kept.filter((arg) => !V8_FLAG_NAMES.has(arg.split('=')[0] as string));
}

const V8_FLAG_NAMES = new Set([
  ...SERVER_NODE_FLAGS.map((flag) => flag.split('=')[0] as string),
  '--max-old-space-size',
  '--max-semi-space-size',
  '--min-semi-space-size',
]);

/**
 * The process's Node options for the worker, less any export conditions: the worker is compiled
 * JavaScript, and a test runner's `--conditions source` would have it import the workspace
 * packages' TypeScript sources, which it cannot load. Everything else (--cpu-prof…) is kept.
 */
export function withoutConditions(execArgv: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i] as string;
    if (arg === '--conditions' || arg === '-C') i++;
    else if (!arg.startsWith('--conditions=') && !arg.startsWith('-C=')) kept.push(arg);
  }
  return kept;
}

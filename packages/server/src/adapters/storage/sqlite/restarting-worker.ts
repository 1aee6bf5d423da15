import { Worker } from 'node:worker_threads';

/** A worker that died is started again after this long. */
export const RESTART_DELAY_MS = 1000;

/** Told when a worker ends while its owner is open (a restart follows): the server logs it. */
export type WorkerExit = (error: Error | undefined, restartInMs: number) => void;

/**
 * A worker thread that is started again RESTART_DELAY_MS after it ends, until `close`. It never keeps
 * the process alive. The owner hears each start (`onStart`), each message, and each unplanned end.
 */
export class RestartingWorker<FromWorker, ToWorker> {
  private worker: Worker | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly script: URL,
    private readonly workerData: unknown,
    private readonly on: {
      start?: () => void;
      message: (m: FromWorker) => void;
      /** After the end of a worker the owner did not close; another starts RESTART_DELAY_MS later. */
      exit?: WorkerExit;
    },
  ) {
    this.spawn();
  }

  /** False between a worker's end and the next start. */
  get running(): boolean {
    return this.worker !== undefined;
  }

  post(message: ToWorker): void {
    this.worker?.postMessage(message);
  }

  /** Fault tests: ends the worker as a crash would; a new one starts after RESTART_DELAY_MS. */
  async crash(): Promise<void> {
    await this.worker?.terminate();
  }

  /** Sends `goodbye` (after which the worker must end by itself) and waits for its end; no restart follows. */
  async close(goodbye: ToWorker): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    const worker = this.worker;
    this.worker = undefined;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    // Unreferenced, the worker would let the event loop end before its exit is heard, and with it
    // whatever awaits this close.
    worker.ref();
    worker.postMessage(goodbye);
    await exited;
  }

  private spawn(): void {
    const worker = new Worker(this.script, { workerData: this.workerData });
    this.worker = worker;
    this.on.start?.();
    worker.on('message', (m: FromWorker) => this.on.message(m));
    // An error ends the thread too ('exit' follows): it is reported there, and another one started.
    let failure: Error | undefined;
    worker.on('error', (error) => {
      failure = error;
    });
    worker.once('exit', () => {
      if (this.worker === worker) this.worker = undefined;
      if (this.stopped) return;
      this.on.exit?.(failure, RESTART_DELAY_MS);
      this.restartTimer = setTimeout(() => this.spawn(), RESTART_DELAY_MS).unref();
    });
    worker.unref();
  }
}

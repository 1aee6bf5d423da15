import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { SERVER_NODE_FLAGS } from '../../node-flags.js';
import { workerExecArgv } from './delivery-thread.js';

describe('the webhook worker’s Node options (workerExecArgv)', () => {
  it('lets the worker inherit the process’s options when there is nothing to take out, V8 flags included', () => {
    expect(workerExecArgv([...SERVER_NODE_FLAGS])).toBeUndefined();
    expect(workerExecArgv([])).toBeUndefined();
  });

  it('takes out export conditions, and then the V8 heap flags Node refuses a worker, keeping the rest', () => {
    expect(workerExecArgv(['--conditions', 'source', ...SERVER_NODE_FLAGS, '--cpu-prof'])).toEqual(['--cpu-prof']);
    expect(workerExecArgv(['-C=source', '--max-old-space-size=512', '--enable-source-maps'])).toEqual(['--enable-source-maps']);
  });

  it('gives Node a list it accepts for a worker', async () => {
    const execArgv = workerExecArgv(['--conditions=source', ...SERVER_NODE_FLAGS, '--min-semi-space-size=16']);
    // Node checks a worker's options when it is made: a refused flag throws ERR_WORKER_INVALID_EXEC_ARGV here.
    const worker = new Worker('require("node:worker_threads").parentPort.postMessage("up")', { eval: true, execArgv });
    await expect(new Promise((resolve) => worker.once('message', resolve))).resolves.toBe('up');
    await worker.terminate();
    expect(() => new Worker('', { eval: true, execArgv: [...SERVER_NODE_FLAGS] })).toThrow(/invalid execArgv/);
  });
});

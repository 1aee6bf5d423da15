import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { backgroundNice } from './background-thread.js';
import { SERVER_NODE_FLAGS } from './node-flags.js';
import { ServerProcess } from './test-support/server-process.js';
import { waitFor } from './test-support/wait.js';

/** A process's threads by id, each with its nice value (field 19 of /proc's stat line). */
function threadNice(pid: number): Map<number, number> {
  const nice = new Map<number, number>();
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      nice.set(Number(tid), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
    } catch {} // a thread that ended while listed
  }
  return nice;
}

// At nice 19 already there is no lower priority to take, and the test could not tell the workers apart.
describe.runIf(process.platform === 'linux' && os.getPriority() < 19)('the server’s background threads', () => {
  let server: ServerProcess | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await server?.kill();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('run 10 nice steps below the event loop: the SQLite checkpointer, the search indexer, the webhook delivery', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-nice-'));
    // The webhook worker starts once a URL is set; nothing needs to answer there for it to start. Node
    // runs the server as `npm start` does: the webhook worker once failed to start under its V8 flags.
    server = await ServerProcess.start(
      { PARLEY_DATA_DIR: dir, PARLEY_WEBHOOK_URL: 'http://127.0.0.1:9/hooks', LOG_LEVEL: 'warn' },
      undefined,
      SERVER_NODE_FLAGS,
    );
    const pid = server.pid;
    const own = threadNice(pid).get(pid) as number;
    const lowered = () => [...threadNice(pid)].filter(([, nice]) => nice === backgroundNice(own));
    await waitFor(
      () => lowered().length === 3,
      () => `threads at nice ${backgroundNice(own)}: ${lowered().length} of ${JSON.stringify([...threadNice(pid)])}`,
      20_000,
    );
    expect(threadNice(pid).get(pid)).toBe(own);
    expect(own).toBe(os.getPriority());
  });
});

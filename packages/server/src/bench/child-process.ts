import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import { readySignal } from '../ready-signal.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * BENCH_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) lets a profiler ride along with the
 * processes a benchmark starts; given after the server's flags, its flags win where both set one.
 */
export const benchNodeArgs = (): string[] => (process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : []);

/**
 * Starts a node script and resolves once it is ready, so the benchmark never races the start: once
 * `ready` answers (a URL), or, given `'ipc'`, once the script says `'ready'` over an IPC channel, as
 * Parley's server does when it is listening (ready-signal.ts). A URL could be answered by another process that
 * took the port; the message comes from this child only.
 * `stdout` is a file descriptor to keep the child's output (its log) in; by default it is discarded.
 * `nodeFlags` go to Node before the script (the server's own: SERVER_NODE_FLAGS).
 */
export async function startProcess(
  script: string,
  args: string[],
  env: Record<string, string>,
  ready: string | 'ipc',
  stdout: 'ignore' | number = 'ignore',
  nodeFlags: readonly string[] = [],
): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...nodeFlags, ...benchNodeArgs(), script, ...args], {
    env: { ...process.env, ...env },
    stdio: ready === 'ipc' ? ['ignore', stdout, 'inherit', 'ipc'] : ['ignore', stdout, 'inherit'],
  });
  if (ready === 'ipc') {
    const outcome = await readySignal(child, 30_000);
    if (outcome === 'ready') return child;
    child.kill();
    throw new Error(`${script} ${outcome === 'exited' ? `exited with ${child.exitCode}` : 'did not say it was ready within 30 s'}`);
  }
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}`);
    try {
      const res = await fetch(ready);
      await res.arrayBuffer();
      return child; // any HTTP answer means it is listening
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error(`${script} did not become ready at ${ready}`);
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

import { fork } from 'node:child_process';
import { SERVER_NODE_FLAGS } from '../node-flags.js';
import { benchNodeArgs } from './child-process.js';
import type { OwnProcessBenches, OwnProcessReply } from './own-process-entry.js';

const entry = new URL('./own-process-entry.js', import.meta.url);

/**
 * Runs one in-process benchmark in a fresh Node process under the server's Node flags (and
 * BENCH_NODE_ARGS, child-process.ts) with this one's environment, and answers what it returned. Its
 * console output shows here.
 */
export function inOwnProcess<K extends keyof OwnProcessBenches>(
  name: K,
  ...args: Parameters<OwnProcessBenches[K]>
): ReturnType<OwnProcessBenches[K]> {
  const run = new Promise((resolve, reject) => {
    const child = fork(entry, [name, JSON.stringify(args)], { execArgv: [...SERVER_NODE_FLAGS, ...benchNodeArgs()] });
    let reply: OwnProcessReply | undefined;
    child.once('message', (message) => {
      reply = message as OwnProcessReply;
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (reply?.ok) resolve(reply.value);
      else reject(new Error(`bench ${name} failed (exit ${code}): ${reply?.message ?? 'no reply'}`));
    });
  });
  return run as ReturnType<OwnProcessBenches[K]>;
}

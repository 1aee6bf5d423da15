import type { ChildProcess } from 'node:child_process';

/**
 * The message a server process sends its parent, over the IPC channel the parent opened, once it is
 * listening (PM2's `wait_ready` waits for the same). Waiting for it, rather than for any answer on the
 * port, rules out another process that took the port: the message comes from this child only.
 */
const READY = 'ready';

/** In the server: tells a parent that opened an IPC channel that this process is listening. */
export function announceReady(): void {
  // A parent gone meanwhile is no reason to stop serving: the callback takes the send's error.
  if (process.connected) process.send?.(READY, undefined, undefined, () => {});
}

/**
 * In the parent: how the start of `child` (spawned with an `'ipc'` stdio entry) ended: it said it was
 * ready, it exited first, or `timeoutMs` passed.
 */
export function readySignal(child: ChildProcess, timeoutMs: number): Promise<'ready' | 'exited' | 'timeout'> {
  return new Promise((resolve) => {
    const settle = (outcome: 'ready' | 'exited' | 'timeout') => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(outcome);
    };
    const onMessage = (message: unknown) => {
      if (message === READY) settle('ready');
    };
    const onExit = () => settle('exited');
    const timer = setTimeout(() => settle('timeout'), timeoutMs);
    if (child.exitCode !== null || child.signalCode !== null) return settle('exited');
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

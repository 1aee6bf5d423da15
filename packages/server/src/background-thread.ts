import fs from 'node:fs';
import os from 'node:os';

/** How far below the process's priority a background thread runs: 10 nice steps, a tenth of the weight under Linux's scheduler. */
export const BACKGROUND_NICE_STEP = 10;

/** The nice value a background thread of a process at `processNice` runs at (19 is the lowest there is). */
export const backgroundNice = (processNice: number): number => Math.min(19, processNice + BACKGROUND_NICE_STEP);

/**
 * Lowers the calling thread (a worker thread doing background work) below the process's priority, so
 * that when it and the event loop, which serves every send, want the same core, the event loop runs
 * first. Under the send bench on 2 cores the main thread otherwise spent a tenth of its time runnable
 * but waiting for a core. Linux only, where each thread has an id of its own that setpriority takes
 * (/proc/thread-self names it); elsewhere it would renice the whole process, so it does nothing.
 */
export function lowerThreadPriority(): void {
  if (process.platform !== 'linux') return;
  try {
    const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid === process.pid) return;
    os.setPriority(tid, backgroundNice(os.getPriority(tid)));
  } catch {
    // no /proc, or a sandbox that refuses: the thread keeps the process's priority
  }
}

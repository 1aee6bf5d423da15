import fs from 'node:fs';
import { processCpuMs } from './load-generator.js';
import type { ServerSample } from './soak-stats.js';

/** VmRSS and RssAnon of a process in MB, from /proc (Linux); zeros where unavailable. */
export function processMemoryMb(pid: number): { rssMb: number; anonMb: number } {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rssMb: kb('VmRSS') / 1024, anonMb: kb('RssAnon') / 1024 };
  } catch {
    return { rssMb: 0, anonMb: 0 };
  }
}

/** One value of the server's Prometheus text (prom-client's default process metrics). */
const metric = (text: string, name: string): number => Number(new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? 0);

/**
 * Samples the server child every `everyMs`: memory from /proc, CPU from /proc, V8 heap and
 * event-loop delay from its /metrics (prom-client resets the delay histogram on each scrape, so
 * each sample is the p99 since the one before). Returns a stop function.
 */
export function startProbes(pid: number, base: string, everyMs: number, onSample: (s: ServerSample) => void): () => void {
  let lastCpu = processCpuMs(pid);
  let lastAt = performance.now();
  let busy = false;
  const probe = async () => {
    if (busy) return;
    busy = true;
    try {
      const text = await fetch(`${base}/metrics`).then((r) => r.text());
      const cpu = processCpuMs(pid);
      const at = performance.now();
      onSample({
        ...processMemoryMb(pid),
        heapMb: metric(text, 'parley_nodejs_heap_size_used_bytes') / 2 ** 20,
        lagP99Ms: metric(text, 'parley_nodejs_eventloop_lag_p99_seconds') * 1000,
        cpuPct: ((cpu - lastCpu) / (at - lastAt)) * 100,
      });
      lastCpu = cpu;
      lastAt = at;
    } catch {
      // A scrape that fails (server busy past the fetch timeout) leaves a gap, not a crash.
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void probe(), everyMs);
  return () => clearInterval(timer);
}

import type { AdminStats } from '@parley/protocol';
import type { Metrics } from './metrics.js';

type Values = Array<{ value: number; labels: Record<string, string | number | undefined> }>;

/** The metric's values as /metrics would print them now (gauges with a `collect` read their source first). */
async function valuesOf(metrics: Metrics, name: string): Promise<Values> {
  const metric = metrics.registry.getSingleMetric(name);
  if (!metric) return [];
  return (await metric.get()).values as Values;
}

async function single(metrics: Metrics, name: string): Promise<number> {
  return (await valuesOf(metrics, name))[0]?.value ?? 0;
}

/** Reason code 1, ReasonSuccess: every other code is a refusal. */
const SUCCESS = '1';

/**
 * The node's live figures for the admin console, read from the same prom-client registry `/metrics`
 * serves, so the console and a Prometheus scrape never disagree. Counters only grow while the node
 * runs: a rate is the difference of two samples over their `at`, computed by whoever polls.
 */
export async function adminStats(metrics: Metrics, nodeId: number, now: number): Promise<AdminStats> {
  const byReason: Record<string, number> = {};
  let accepted = 0;
  let refused = 0;
  for (const { value, labels } of await valuesOf(metrics, 'parley_sends_total')) {
    const reason = String(labels.reason);
    byReason[reason] = (byReason[reason] ?? 0) + value;
    if (reason === SUCCESS) accepted += value;
    else refused += value;
  }
  return {
    at: now,
    nodeId,
    uptimeSeconds: process.uptime(),
    onlineUsers: await single(metrics, 'parley_online_users'),
    connections: await single(metrics, 'parley_ws_connections'),
    sends: { accepted, refused, byReason },
    bus: {
      connected: (await single(metrics, 'parley_bus_connected')) === 1,
      published: await single(metrics, 'parley_bus_published_total'),
      received: await single(metrics, 'parley_bus_received_total'),
      reconnects: await single(metrics, 'parley_bus_reconnects_total'),
    },
    residentMemoryBytes: Math.round(await single(metrics, 'parley_process_resident_memory_bytes')),
  };
}

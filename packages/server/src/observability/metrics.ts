import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { WalCheckpointStats } from '../ports/storage/index.js';
import { Tally } from './tally.js';

/** One registry per server instance, so several servers in one process (tests) do not collide. */
export function createMetrics() {
  const registry = new Registry();
  /** Asked at each scrape: a gauge set only when someone looked at the bus would go stale. */
  let busConnectedNow = () => true;
  let onlineUsersNow = () => 0;
  let fanoutByNodeNow = () => false;
  let walCheckpointsNow = (): WalCheckpointStats | undefined => undefined;
  let wsWrittenNow = (): { writes: number; frames: number } | undefined => undefined;
  collectDefaultMetrics({ register: registry, prefix: 'parley_' });
  return {
    registry,
    sends: new Tally(registry, { name: 'parley_sends_total', help: 'Message sends by reason code', label: 'reason' }),
    commitBatch: new Histogram({
      name: 'parley_commit_batch_size',
      help: 'Messages per storage transaction (group commit)',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000],
      registers: [registry],
    }),
    commitSeconds: new Histogram({
      name: 'parley_commit_seconds',
      help: 'Duration of one message commit transaction',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    busOut: new Tally(registry, { name: 'parley_bus_published_total', help: 'Messages this node published on the bus' }),
    busIn: new Tally(registry, {
      name: 'parley_bus_received_total',
      help: 'Bus messages handed to this node (its own publishes to topics it holds included)',
    }),
    busOutByTopic: new Tally(registry, {
      name: 'parley_bus_published_by_topic_total',
      help: 'Messages this node published on the bus, by kind of topic: user, channel (super groups), node (group fan-out), cluster',
      label: 'topic',
    }),
    busInByTopic: new Tally(registry, {
      name: 'parley_bus_received_by_topic_total',
      help: 'Bus messages handed to this node, by kind of topic: user, channel, node, cluster',
      label: 'topic',
    }),
    fanoutByNode: new Gauge({
      name: 'parley_fanout_by_node',
      help: '1 while group messages go once per node holding recipients; 0 while once per recipient (warming up, after a bus loss)',
      registers: [registry],
      collect() {
        this.set(fanoutByNodeNow() ? 1 : 0);
      },
    }),
    /** Where parley_fanout_by_node reads the delivery router's mode from. */
    watchFanout(byNode: () => boolean): void {
      fanoutByNodeNow = byNode;
    },
    busReconnects: new Counter({
      name: 'parley_bus_reconnects_total',
      help: 'Times the broker came back after a loss (each one tells this node’s clients to resync)',
      registers: [registry],
    }),
    busConnected: new Gauge({
      name: 'parley_bus_connected',
      help: '1 while the bus reaches the other nodes',
      registers: [registry],
      collect() {
        this.set(busConnectedNow() ? 1 : 0);
      },
    }),
    /** Where parley_bus_connected reads the bus's state from. */
    watchBus(connected: () => boolean): void {
      busConnectedNow = connected;
    },
    connections: new Gauge({ name: 'parley_ws_connections', help: 'Open authenticated WebSocket connections', registers: [registry] }),
    onlineUsers: new Gauge({
      name: 'parley_online_users',
      help: 'Users with at least one open authenticated WebSocket connection on this node',
      registers: [registry],
      collect() {
        this.set(onlineUsersNow());
      },
    }),
    /** Where parley_online_users reads the count from (the delivery router's connections by user). */
    watchOnlineUsers(count: () => number): void {
      onlineUsersNow = count;
    },
    webhookDelivered: new Counter({
      name: 'parley_webhook_events_delivered_total',
      help: 'Webhook events this node delivered (a 2xx answer)',
      registers: [registry],
    }),
    webhookFailures: new Counter({
      name: 'parley_webhook_failures_total',
      help: 'Webhook POSTs of this node that failed (not 2xx, a timeout, a network error): each is retried',
      registers: [registry],
    }),
    webhookDeadLetters: new Counter({
      name: 'parley_webhook_dead_letters_total',
      help: 'Webhook events this node gave up on after PARLEY_WEBHOOK_MAX_AGE_SECONDS (see the admin API to replay them)',
      registers: [registry],
    }),
    walFramesCheckpointed: keptElsewhere(registry, {
      name: 'parley_sqlite_wal_frames_checkpointed_total',
      help: 'SQLite WAL frames the checkpoint worker copied into the database file',
      read: () => walCheckpointsNow()?.framesCheckpointed,
    }),
    walCheckpointRestarts: keptElsewhere(registry, {
      name: 'parley_sqlite_checkpoint_worker_restarts_total',
      help: 'Times the SQLite checkpoint worker ended and was started again (each is logged, with its error)',
      read: () => {
        const stats = walCheckpointsNow();
        return stats && stats.starts - 1;
      },
    }),
    /** Where the parley_sqlite_* counters read the store's checkpoints from (SQLite stores only). */
    watchWalCheckpoints(stats: () => WalCheckpointStats | undefined): void {
      walCheckpointsNow = stats;
    },
    wsWrites: keptElsewhere(registry, {
      name: 'parley_ws_writes_total',
      help: 'Socket writes of the WebSocket gateway (/v1/ws); each carries the frames one connection got in a turn, or in PARLEY_WS_WRITE_DELAY_MS',
      read: () => wsWrittenNow()?.writes,
    }),
    wsFramesWritten: keptElsewhere(registry, {
      name: 'parley_ws_frames_written_total',
      help: 'WebSocket frames those writes carried (frames per write: its rate over parley_ws_writes_total’s)',
      read: () => wsWrittenNow()?.frames,
    }),
    /** Where the parley_ws_*written* counters read the gateway's writes from. */
    watchWsWrites(written: () => { writes: number; frames: number }): void {
      wsWrittenNow = written;
    },
    wsClosed: new Counter({
      name: 'parley_ws_closed_total',
      help: 'WebSocket connections closed, by reason',
      labelNames: ['reason'],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** A counter whose total another part keeps (a worker's stats): read at each scrape; absent, it stays 0. */
function keptElsewhere(registry: Registry, spec: { name: string; help: string; read: () => number | undefined }): Counter {
  return new Counter({
    name: spec.name,
    help: spec.help,
    registers: [registry],
    collect() {
      const total = spec.read();
      if (total === undefined) return;
      this.reset();
      this.inc(total);
    },
  });
}

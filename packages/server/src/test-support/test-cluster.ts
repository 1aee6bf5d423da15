import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BrokerKind, describeBroker, PrivateBroker } from '@parley/test-kit/brokers';
import { describePostgres, openPostgresSchema, postgresSchemaUrl, postgresTestUrl } from '@parley/test-kit/postgres';
import { quoteIdentifier } from '../adapters/storage/postgres/migrations.js';
import type { ProcessStore } from './process-backends.js';
import { ServerProcess } from './server-process.js';
import { TcpProxy } from './tcp-proxy.js';

export const CLUSTER_SECRET = 'cluster-test-secret';

/**
 * Bounds for the cluster suites' hooks and tests: far above what they need, since they start several
 * processes on a machine that may be busy (two cores, shared). They turn a hang into a failure and
 * measure nothing.
 */
export const CLUSTER_HOOK_TIMEOUT = 180_000;
export const CLUSTER_TEST_TIMEOUT = 240_000;

/** What `/healthz` says of the bus. */
export interface BusHealth {
  kind: string;
  connected: boolean;
  reconnects: number;
}

/**
 * Server nodes as the compiled server runs them (`dist/main.js`, one child process each), on one
 * fresh PostgreSQL schema (empty: the nodes, started at once, race to migrate it), joined by a broker
 * of the test's own. Node `i` has PARLEY_NODE_ID `i + 1`.
 * A node can be SIGKILLed and started again on its port; the broker can be killed and started again;
 * and each node reaches the broker through a link of its own that can be cut (a partition of one node).
 */
export class TestCluster {
  private readonly started: ServerProcess[] = [];
  private readonly links: TcpProxy[] = [];

  private constructor(
    readonly broker: PrivateBroker,
    private readonly store: ProcessStore,
    private readonly env: Record<string, string>,
    /** By index; a killed node stays here (not running) until restarted. */
    readonly nodes: ServerProcess[],
  ) {}

  /** `count` nodes started at once; `env` adds to (or overrides) the defaults below. */
  static async start(kind: BrokerKind, count: number, env: Record<string, string> = {}): Promise<TestCluster> {
    const broker = await PrivateBroker.start(kind);
    const store = await emptySchema();
    const cluster = new TestCluster(
      broker,
      store,
      {
        ...store.env,
        PARLEY_MODE: 'development',
        PARLEY_APP_SECRET: CLUSTER_SECRET,
        PARLEY_SEND_RATE_PER_SEC: '0',
        LOG_LEVEL: 'warn',
        ...env,
      },
      [],
    );
    try {
      for (let i = 0; i < count; i++) cluster.links.push(await TcpProxy.start(broker.port));
      const nodes = await Promise.all(Array.from({ length: count }, (_, i) => cluster.spawn(i)));
      cluster.nodes.push(...nodes);
      const stores = nodes.map((node) => node.health?.storage);
      if (stores.some((kind) => kind !== 'postgres')) throw new Error(`the nodes opened ${stores.join(', ')}, not PostgreSQL each`);
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  node(i: number): ServerProcess {
    const node = this.nodes[i];
    if (!node) throw new Error(`no node ${i}`);
    return node;
  }

  /** The nodes' base URLs, starting with node `first`: what a client given every node's address holds. */
  urls(first = 0): string[] {
    return this.nodes.map((_, i) => this.node((first + i) % this.nodes.length).url);
  }

  /** An admin API call through node `via`; anything but 200 throws. */
  async admin(path: string, body: unknown, via = 0): Promise<any> {
    const res = await this.node(via).http('POST', `/v1/admin${path}`, { token: CLUSTER_SECRET, body });
    if (res.status !== 200) throw new Error(`POST /v1/admin${path} via node ${via} -> ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** Registers the users (through node 0) and answers their tokens, valid on every node. */
  async users(uids: readonly string[]): Promise<Map<string, string>> {
    await this.admin('/users/batch', { users: uids.map((uid) => ({ uid, name: uid })) });
    const tokens = new Map<string, string>();
    for (const uid of uids) tokens.set(uid, (await this.admin(`/users/${uid}/token`, {})).token);
    return tokens;
  }

  /** A group (2) or super group (3) with its members, created through node `via`. */
  async group(groupId: string, channelType: 2 | 3, members: readonly string[], via = 0): Promise<void> {
    await this.admin('/groups', { groupId, channelType, ownerUid: members[0], members }, via);
  }

  /** Node `i`'s view of the bus, from its `/healthz`. */
  async busHealth(i: number): Promise<BusHealth> {
    const res = await this.node(i).http('GET', '/healthz');
    return res.body.bus;
  }

  /** Node `i`'s `/metrics` text. */
  async metrics(i: number): Promise<string> {
    return (await this.node(i).http('GET', '/metrics')).body;
  }

  /** SIGKILL: node `i` stops wherever it is, and its clients' connections drop. */
  async kill(i: number): Promise<void> {
    await this.node(i).kill();
  }

  /** Starts node `i` again, on its port and with its node id. */
  async restart(i: number): Promise<void> {
    this.nodes[i] = await this.spawn(i, this.node(i).port);
  }

  /** Node `i` loses the broker (the others keep it): its connection drops and it cannot connect again. */
  cutLink(i: number): void {
    this.link(i).cut();
  }

  /** Node `i` may reach the broker again; it reconnects on its own schedule. */
  restoreLink(i: number): void {
    this.link(i).restore();
  }

  /** Kills every node and the broker, and drops the schema. */
  async stop(): Promise<void> {
    for (const node of this.started) await node.kill();
    for (const link of this.links) await link.close();
    await this.broker.stop();
    await this.store.dispose();
  }

  private link(i: number): TcpProxy {
    const link = this.links[i];
    if (!link) throw new Error(`no node ${i}`);
    return link;
  }

  private async spawn(i: number, port?: number): Promise<ServerProcess> {
    const env = { ...this.env, PARLEY_NODE_ID: String(i + 1), PARLEY_BUS_URL: `${this.broker.kind}://127.0.0.1:${this.link(i).port}` };
    const node = await ServerProcess.start(env, port);
    this.started.push(node);
    return node;
  }
}

/** A new schema of the test database with no table in it, for the nodes to migrate; its data directory beside. */
async function emptySchema(): Promise<ProcessStore> {
  const schema = await openPostgresSchema();
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: postgresTestUrl() });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA ${quoteIdentifier(schema.name)}`);
  } finally {
    await client.end();
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-cluster-'));
  return {
    env: { PARLEY_DATA_DIR: dir, DATABASE_URL: postgresSchemaUrl(schema.name) },
    async dispose() {
      await schema.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A suite per broker, each on its own cluster: Redis first, then NATS. Needs PostgreSQL (nodes share
 * it) and the broker's binary; without them the suite is skipped saying why, or fails in CI
 * (PARLEY_REQUIRE_POSTGRES=1, PARLEY_REQUIRE_BROKERS=1). Use with top-level await.
 */
export async function describeEachBroker(name: string, suite: (kind: BrokerKind) => void): Promise<void> {
  await describePostgres(name, () => {
    for (const kind of ['redis', 'nats'] as const) describeBroker(kind, `${name} [${kind}]`, () => suite(kind));
  });
}

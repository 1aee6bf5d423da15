import { parseArgs } from 'node:util';
import { busKindOf } from '../adapters/bus/bus-url.js';

export const USAGE = `npm run cluster -- [--nodes 3] [--bus redis|nats] [--bus-url URL] [--database-url URL] [--schema NAME]
                     [--port 5280] [--proxy PORT] [--host 127.0.0.1]

Starts N Parley nodes of the built server on this machine, on consecutive ports, joined by Redis or NATS
and sharing one PostgreSQL database, for trying a cluster (not for production). Ctrl-C stops them all.

  --nodes N           how many nodes (1-16, default 3)
  --bus redis|nats    which broker (default redis, at redis://127.0.0.1:6379 or nats://127.0.0.1:4222)
  --bus-url URL       another broker (redis:// or nats://; implies --bus)
  --database-url URL  the PostgreSQL database, used as given (default: a fresh schema in
                      postgres://postgres@127.0.0.1:5432/test, dropped on exit)
  --schema NAME       keep the data in this schema of the default database (created if missing, kept on exit)
  --port P            the first node's port (default 5280, or the proxy's port + 1)
  --proxy PORT        also a round-robin TCP proxy on PORT in front of the nodes: one URL reaches them all
  --host H            where nodes and proxy listen (default 127.0.0.1)

Other PARLEY_* variables in the environment (PARLEY_APP_SECRET, PARLEY_MODE, LOG_LEVEL...) reach every node.`;

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
const DEFAULT_BUS_URLS = { redis: 'redis://127.0.0.1:6379', nats: 'nats://127.0.0.1:4222' } as const;

export interface ClusterOptions {
  nodes: number;
  bus: 'redis' | 'nats';
  busUrl: string;
  /** Exactly as given, or the default database (then `schema` names where the data goes). */
  databaseUrl: string;
  /** A schema of the default database; absent when --database-url was given. */
  schema?: { name: string; keep: boolean };
  host: string;
  /** Node i (0-based) listens on basePort + i. */
  basePort: number;
  proxyPort?: number;
}

/** A bad command line: one line for the user, with the usage after it. */
export class ClusterArgsError extends Error {
  override name = 'ClusterArgsError';
}

function integer(raw: string, flag: string, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new ClusterArgsError(`${flag} must be an integer from ${min} to ${max}, got "${raw}"`);
  return n;
}

/**
 * The command line of `npm run cluster`. `now` names the fresh schema (`cluster_<yyyymmdd_hhmmss>`),
 * so two runs a second apart do not share data.
 */
export function parseClusterArgs(argv: string[], now = new Date()): ClusterOptions | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        nodes: { type: 'string', default: '3' },
        bus: { type: 'string' },
        'bus-url': { type: 'string' },
        'database-url': { type: 'string' },
        schema: { type: 'string' },
        port: { type: 'string' },
        proxy: { type: 'string' },
        host: { type: 'string', default: '127.0.0.1' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new ClusterArgsError((err as Error).message);
  }
  if (values.help) return 'help';
  const str = (key: string): string | undefined => values[key] as string | undefined;

  const nodes = integer(str('nodes') as string, '--nodes', 1, 16);
  const bus = resolveBus(str('bus'), str('bus-url'));

  const databaseUrl = str('database-url');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ClusterArgsError('--database-url must be a postgres:// or postgresql:// URL (nodes cannot share an SQLite file)');
  }
  const schemaName = str('schema');
  if (schemaName !== undefined && databaseUrl !== undefined) {
    throw new ClusterArgsError('--schema applies to the default database; with --database-url, put search_path in the URL instead');
  }
  if (schemaName !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schemaName)) {
    throw new ClusterArgsError(`--schema must be lower-case letters, digits and _, got "${schemaName}"`);
  }

  const proxyPort = str('proxy') === undefined ? undefined : integer(str('proxy') as string, '--proxy', 1, 65_535);
  const basePort =
    str('port') === undefined ? (proxyPort !== undefined ? proxyPort + 1 : 5280) : integer(str('port') as string, '--port', 1, 65_535);
  if (basePort + nodes - 1 > 65_535) throw new ClusterArgsError(`--port ${basePort} leaves no room for ${nodes} nodes`);
  if (proxyPort !== undefined && proxyPort >= basePort && proxyPort < basePort + nodes) {
    throw new ClusterArgsError(`--proxy ${proxyPort} collides with the nodes' ports ${basePort}-${basePort + nodes - 1}`);
  }

  return {
    nodes,
    bus: bus.kind,
    busUrl: bus.url,
    databaseUrl: databaseUrl ?? DEFAULT_DATABASE_URL,
    ...(databaseUrl === undefined && {
      schema: schemaName ? { name: schemaName, keep: true } : { name: freshSchemaName(now), keep: false },
    }),
    host: str('host') as string,
    basePort,
    ...(proxyPort !== undefined && { proxyPort }),
  };
}

function resolveBus(bus: string | undefined, url: string | undefined): { kind: 'redis' | 'nats'; url: string } {
  if (bus !== undefined && bus !== 'redis' && bus !== 'nats') throw new ClusterArgsError(`--bus must be redis or nats, got "${bus}"`);
  if (url === undefined) return { kind: bus ?? 'redis', url: DEFAULT_BUS_URLS[bus ?? 'redis'] };
  const kind = busKindOf(url);
  if (typeof kind === 'object') throw new ClusterArgsError(kind.error.replace('PARLEY_BUS_URL', '--bus-url'));
  if (kind === 'memory') throw new ClusterArgsError('--bus-url must not be empty');
  if (bus !== undefined && bus !== kind) throw new ClusterArgsError(`--bus ${bus} does not match --bus-url ${kind}://…`);
  return { kind, url };
}

/** `cluster_20261202_071500`: sortable, and a valid schema and bus prefix. */
export function freshSchemaName(now: Date): string {
  const iso = now.toISOString(); // 2026-12-02T07:15:00.000Z
  return `cluster_${iso.slice(0, 10).replaceAll('-', '')}_${iso.slice(11, 19).replaceAll(':', '')}`;
}

/** The URL a node is given: the database, with `search_path` set to the schema when there is one. */
export function nodeDatabaseUrl(o: ClusterOptions): string {
  if (!o.schema) return o.databaseUrl;
  const url = new URL(o.databaseUrl);
  url.searchParams.set('options', `-c search_path=${o.schema.name}`);
  return url.toString();
}

/**
 * Topics are named after the schema, so a trial cluster and anything else on the same broker (another
 * trial, tests) never hear each other; PARLEY_BUS_PREFIX in the environment wins.
 */
export function busPrefixOf(o: ClusterOptions, env: Record<string, string | undefined>): string {
  return env.PARLEY_BUS_PREFIX || (o.schema ? o.schema.name.slice(0, 32) : 'parley');
}

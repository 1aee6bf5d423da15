import net from 'node:net';
import { redactUrl } from '../adapters/bus/bus-url.js';
import { openBus } from '../adapters/bus/open.js';
import { quoteIdentifier } from '../adapters/storage/postgres/migrations.js';

/** Something the cluster needs is missing: the script stops with this one line. */
export class PreflightError extends Error {
  override name = 'PreflightError';
}

/**
 * Connects to the broker as a node would, then leaves: a broker that is down stops the script with
 * the node's own one-line reason, before N processes each print it.
 */
export async function checkBroker(url: string): Promise<void> {
  try {
    const bus = await openBus(url, 'parley-cluster-check');
    await bus.close();
  } catch (err) {
    throw new PreflightError((err as Error).message);
  }
}

/**
 * Connects to PostgreSQL and, for a schema of the default database, creates it: a node given a
 * search_path naming a missing schema would have nowhere to put its tables.
 */
export async function checkDatabase(url: string, schema: string | undefined): Promise<void> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query(schema ? `CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}` : 'SELECT 1');
  } catch (err) {
    throw new PreflightError(`cannot reach PostgreSQL at ${redactUrl(url)}: ${errorText(err)}`);
  } finally {
    await client.end().catch(() => {});
  }
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  const pg = (await import('pg')).default;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Refuses ports already taken, naming the node that wanted it, before any process starts. */
export async function checkPortsFree(host: string, ports: Array<{ port: number; who: string }>): Promise<void> {
  for (const { port, who } of ports) {
    const free = await new Promise<boolean>((resolve) => {
      const srv = net.createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, host, () => srv.close(() => resolve(true)));
    });
    if (!free) throw new PreflightError(`port ${port} (${who}) is in use on ${host}; pass --port (or --proxy) to start elsewhere`);
  }
}

/** Connection errors can be an AggregateError (one per address tried) with an empty message. */
function errorText(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length) return errorText(error.errors[0]);
  if (error instanceof Error) return error.message || ('code' in error ? String(error.code) : error.name);
  return String(error);
}

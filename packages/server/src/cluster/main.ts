import fs from 'node:fs';
import type net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { redactUrl } from '../adapters/bus/bus-url.js';
import { ClusterNode, healthLine } from './node-process.js';
import { busPrefixOf, ClusterArgsError, type ClusterOptions, nodeDatabaseUrl, parseClusterArgs, USAGE } from './options.js';
import { checkBroker, checkDatabase, checkPortsFree, dropSchema, PreflightError } from './preflight.js';
import { startProxy } from './proxy.js';

/**
 * `npm run cluster -- --nodes 3 [--bus redis|nats] [--proxy 5280]`: a cluster of the built server on
 * this machine, for trying scale-out (docs/scale-out.md). Prints each node and its health, then waits
 * for Ctrl-C and stops every node.
 */
async function main(): Promise<number> {
  let o: ClusterOptions | 'help';
  try {
    o = parseClusterArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof ClusterArgsError)) throw err;
    console.error(`cluster: ${err.message}\n\n${USAGE}`);
    return 2;
  }
  if (o === 'help') {
    console.log(USAGE);
    return 0;
  }
  const opts = o;
  const ports = Array.from({ length: opts.nodes }, (_, i) => opts.basePort + i);
  try {
    await checkPortsFree(opts.host, [
      ...ports.map((port, i) => ({ port, who: `node ${i + 1}` })),
      ...(opts.proxyPort !== undefined ? [{ port: opts.proxyPort, who: 'the proxy' }] : []),
    ]);
    await checkBroker(opts.busUrl);
    await checkDatabase(opts.databaseUrl, opts.schema?.name);
  } catch (err) {
    if (!(err instanceof PreflightError)) throw err;
    console.error(`cluster: ${err.message}`);
    return 1;
  }

  const prefix = busPrefixOf(opts, process.env);
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), `parley-${prefix}-`));
  const env: Record<string, string> = {
    DATABASE_URL: nodeDatabaseUrl(opts),
    PARLEY_BUS_URL: opts.busUrl,
    PARLEY_BUS_PREFIX: prefix,
    // One folder for uploads: every node serves every file, as a shared volume would in production.
    PARLEY_DATA_DIR: path.join(runDir, 'data'),
  };
  console.log(
    `Starting ${opts.nodes} node${opts.nodes > 1 ? 's' : ''}: bus ${redactUrl(opts.busUrl)} (topics ${prefix}), ` +
      `database ${redactUrl(opts.databaseUrl)}${opts.schema ? ` schema ${opts.schema.name}` : ''}`,
  );

  const nodes: ClusterNode[] = [];
  let proxy: net.Server | undefined;
  let stopping = false;
  // The logs outlive the run when they may explain something: a failed start, or data kept on purpose.
  let keepRunDir = opts.schema?.keep ?? true;
  const stopAll = async (): Promise<void> => {
    proxy?.close();
    await Promise.all(nodes.map((n) => n.stop()));
    if (opts.schema && !opts.schema.keep) await dropSchema(opts.databaseUrl, opts.schema.name).catch(() => {});
    if (!keepRunDir) fs.rmSync(runDir, { recursive: true, force: true });
  };
  // Last resort if this script dies some other way: the nodes run in their own process group.
  process.once('exit', () => {
    for (const n of nodes) n.child.kill('SIGTERM');
  });

  try {
    // Together, as a rolling deploy would: the database's migration lock lets one node migrate.
    const started = await Promise.allSettled(
      ports.map((port, i) => ClusterNode.start({ n: i + 1, host: opts.host, port, env, logFile: path.join(runDir, `node-${i + 1}.log`) })),
    );
    for (const s of started) if (s.status === 'fulfilled') nodes.push(s.value);
    const failed = started.find((s) => s.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    if (opts.proxyPort !== undefined)
      proxy = await startProxy(
        opts.host,
        opts.proxyPort,
        nodes.map((n) => n.spec),
      );
  } catch (err) {
    console.error(`cluster: ${(err as Error).message}; stopping the others (their logs: ${runDir})`);
    keepRunDir = true;
    await stopAll();
    return 1;
  }

  for (const n of nodes) {
    console.log(`  node ${n.spec.n}  ${n.url}  PARLEY_NODE_ID=${n.spec.n}  pid ${n.child.pid}  ${healthLine(await n.health())}`);
    n.onUnexpectedExit((how) => {
      if (stopping) return;
      keepRunDir = true;
      console.error(`cluster: node ${n.spec.n} ${how}; the others keep serving (its clients reconnect to them)`);
      if (nodes.every((m) => m.child.exitCode !== null || m.child.signalCode !== null)) void shutdown('every node is gone');
    });
  }
  if (proxy) {
    console.log(`  proxy   http://${opts.host}:${opts.proxyPort}  round-robin over the nodes (for trying, not for production)`);
  }
  const entry = proxy ? `http://${opts.host}:${opts.proxyPort}` : nodes[0]?.url;
  console.log(
    `Logs in ${runDir}${keepRunDir ? '' : ' (removed on exit)'}. Open ${entry}/ (web app) or ${entry}/healthz; Ctrl-C stops the cluster.`,
  );

  const shutdown = async (why: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\nStopping ${nodes.length} nodes (${why})...`);
    await stopAll();
    const kept = opts.schema?.keep ? ` Data kept in schema ${opts.schema.name}.` : opts.schema ? '' : ' Data kept in the database.';
    console.log(`Stopped.${kept}${keepRunDir ? ` Logs in ${runDir}.` : ''}`);
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void shutdown(signal));
  return new Promise(() => {}); // until a signal
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error('cluster: failed:', err instanceof Error ? err.message : err);
    process.exit(1);
  },
);

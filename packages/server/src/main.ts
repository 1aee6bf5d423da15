#!/usr/bin/env node
// First: V8 flags that must be set before any server code runs (v8-runtime-flags.ts).
import './v8-runtime-flags.js';
import { startServer } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { announceReady } from './ready-signal.js';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`parley: configuration error: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const server = await startServer(config);
  announceReady();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      server.ctx.log.info({ signal }, 'shutting down');
      server.close().then(
        () => process.exit(0),
        (err) => {
          server.ctx.log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}

main().catch((err) => {
  console.error('parley: failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});

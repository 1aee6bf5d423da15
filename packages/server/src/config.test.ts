import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_APP_SECRET, loadConfig } from './config.js';

const MAIN = path.resolve(import.meta.dirname, '../dist/main.js');

describe('configuration', () => {
  it('defaults to development mode on port 5280 with SQLite in ./data', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 5280, mode: 'development', databaseUrl: undefined, appSecret: DEV_APP_SECRET });
    expect(config.dataDir).toBe(path.resolve('data'));
    // Found from the module, not the working directory: where the web app's build lands.
    expect(config.webDir).toBe(path.resolve(import.meta.dirname, '../../web/dist'));
    expect(config.limits).toMatchObject({
      textMaxChars: 5000,
      payloadMaxBytes: 16384,
      maxPinned: 50,
      revokeWindowMs: 120_000,
      sendRatePerSec: 20,
      sendBurst: 50,
    });
  });

  it('takes limits and settings from the environment', () => {
    const config = loadConfig({
      PORT: '6000',
      PARLEY_TEXT_MAX_CHARS: '10',
      DATABASE_URL: 'postgres://u@h/db',
      PARLEY_SEND_RATE_PER_SEC: '0',
    });
    expect(config).toMatchObject({ port: 6000, databaseUrl: 'postgres://u@h/db', limits: { textMaxChars: 10, sendRatePerSec: 0 } });
  });

  it('keeps messages for ever unless told a retention, and removes expired ones in bounded batches', () => {
    expect(loadConfig({}).retention).toEqual({ defaultDays: 0, intervalMs: 600_000, batchSize: 100 });
    expect(
      loadConfig({ PARLEY_RETENTION_DAYS: '30', PARLEY_RETENTION_INTERVAL_SECONDS: '60', PARLEY_RETENTION_BATCH_SIZE: '500' }).retention,
    ).toEqual({ defaultDays: 30, intervalMs: 60_000, batchSize: 500 });
  });

  it('takes an existing web build folder, and refuses one that is not there', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-web-'));
    try {
      expect(loadConfig({ PARLEY_WEB_DIR: dir }).webDir).toBe(dir);
      const file = path.join(dir, 'index.html');
      fs.writeFileSync(file, '');
      for (const bad of [path.join(dir, 'nope'), file]) {
        expect(() => loadConfig({ PARLEY_WEB_DIR: bad })).toThrow(`PARLEY_WEB_DIR must be an existing directory, got "${bad}"`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT must be an integer/],
    [{ PORT: '70000' }, /PORT must be an integer from 0 to 65535/],
    [{ PARLEY_MODE: 'prod' }, /PARLEY_MODE must be one of development, production/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be a postgres/],
    [{ PARLEY_MODE: 'production' }, /PARLEY_APP_SECRET is required/],
    [{ PARLEY_MODE: 'production', PARLEY_APP_SECRET: DEV_APP_SECRET }, /public development secret/],
    [{ PARLEY_MODE: 'production', PARLEY_APP_SECRET: 'short' }, /at least 32 characters/],
    [{ PARLEY_RETENTION_DAYS: '-1' }, /PARLEY_RETENTION_DAYS must be an integer from 0 to 36500, got "-1"/],
    [{ PARLEY_RETENTION_DAYS: '1.5' }, /PARLEY_RETENTION_DAYS must be an integer/],
    [{ PARLEY_RETENTION_DAYS: '36501' }, /PARLEY_RETENTION_DAYS must be an integer from 0 to 36500/],
    [{ PARLEY_RETENTION_BATCH_SIZE: '501' }, /PARLEY_RETENTION_BATCH_SIZE must be an integer from 1 to 500/],
    [{ PARLEY_RETENTION_INTERVAL_SECONDS: '5' }, /PARLEY_RETENTION_INTERVAL_SECONDS must be an integer from 10 to 86400/],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('accepts production mode with a real secret', () => {
    expect(loadConfig({ PARLEY_MODE: 'production', PARLEY_APP_SECRET: 'x'.repeat(40) }).mode).toBe('production');
  });

  it('joins nodes through PARLEY_BUS_URL only on a database they can share', () => {
    const pg = { DATABASE_URL: 'postgres://u@h/db' };
    expect(loadConfig({}).busUrl).toBeUndefined();
    expect(loadConfig({ ...pg, PARLEY_BUS_URL: 'redis://127.0.0.1:6379' })).toMatchObject({
      busUrl: 'redis://127.0.0.1:6379',
      busPrefix: 'parley',
    });
    expect(loadConfig({ ...pg, PARLEY_BUS_URL: 'nats://127.0.0.1:4222', PARLEY_BUS_PREFIX: 'app-1' }).busPrefix).toBe('app-1');
    expect(() => loadConfig({ PARLEY_BUS_URL: 'redis://127.0.0.1:6379' })).toThrow(/nodes cannot share an SQLite file/);
    expect(() => loadConfig({ ...pg, PARLEY_BUS_URL: 'amqp://127.0.0.1' })).toThrow(/must start with redis:\/\/, rediss:\/\/ or nats:\/\//);
    expect(() => loadConfig({ ...pg, PARLEY_BUS_URL: 'not a url' })).toThrow(/PARLEY_BUS_URL is not a URL/);
    expect(() => loadConfig({ ...pg, PARLEY_BUS_URL: 'nats://h', PARLEY_BUS_PREFIX: 'a.b' })).toThrow(ConfigError);
  });

  it('stops the real server with one line, without its password, when the bus cannot be reached', () => {
    const run = spawnSync(process.execPath, [MAIN], {
      env: {
        ...process.env,
        PORT: '0',
        // Never opened: the bus is reached first.
        DATABASE_URL: 'postgres://nobody@127.0.0.1:9/none',
        // Port 9 (discard) is closed here: nothing answers.
        PARLEY_BUS_URL: 'redis://:hunter2@127.0.0.1:9',
      },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toMatch(
      /^parley: failed to start: cannot reach the bus at redis:\/\/:\*\*\*@127\.0\.0\.1:9: connect ECONNREFUSED 127\.0\.0\.1:9$/,
    );
    expect(run.stderr).not.toContain('hunter2');
  });

  it('stops the real server with one clear line and exit code 2 on a bad value', () => {
    const run = spawnSync(process.execPath, [MAIN], {
      env: { ...process.env, PARLEY_MODE: 'production', PARLEY_APP_SECRET: '' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe('parley: configuration error: PARLEY_APP_SECRET is required in production mode');
  });
});

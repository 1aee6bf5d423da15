import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { claimDataDir, SERVER_LOCK_FILE, serverHolding } from './server-lock.js';

describe('the data dir lock of a SQLite server', () => {
  const dirs: string[] = [];
  const dataDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-lock-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is held while claimed and gone once released', () => {
    const dir = dataDir();
    expect(serverHolding(dir)).toBeUndefined();
    const release = claimDataDir(dir);
    expect(serverHolding(dir)).toBe(process.pid);
    release();
    expect([serverHolding(dir), fs.existsSync(path.join(dir, SERVER_LOCK_FILE))]).toEqual([undefined, false]);
  });

  it('refuses a second server while the first lives, and ignores the lock of one that died', () => {
    const dir = dataDir();
    // A live process other than this one: the test runner's parent.
    fs.writeFileSync(path.join(dir, SERVER_LOCK_FILE), `${process.ppid}\n`);
    expect(() => claimDataDir(dir)).toThrow(`another Parley server (pid ${process.ppid}) is using ${dir}; stop it first`);
    const exited = spawnSync(process.execPath, ['-e', '']).pid as number;
    fs.writeFileSync(path.join(dir, SERVER_LOCK_FILE), `${exited}\n`);
    expect(serverHolding(dir)).toBeUndefined();
    claimDataDir(dir)();
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../../../config.js';

/** In the data dir while a server has its SQLite database open: the server's pid (as PostgreSQL's postmaster.pid). */
export const SERVER_LOCK_FILE = 'parley.pid';

/**
 * The pid of the live server that holds `dataDir`, if any. A lock left by a server that died (a
 * SIGKILL, a power cut) names a process that no longer exists and does not count.
 */
export function serverHolding(dataDir: string): number | undefined {
  let pid: number;
  try {
    pid = Number.parseInt(fs.readFileSync(path.join(dataDir, SERVER_LOCK_FILE), 'utf8'), 10);
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (err) {
    // EPERM: the process exists but belongs to another user; it is alive all the same.
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

/**
 * Marks `dataDir` as held by this process, so that a second server on the same data and the
 * operator's commands that need it stopped (`parley migrate-to-postgres`, `parley restore`) refuse.
 * Returns the release. Throws when another live server holds it.
 */
export function claimDataDir(dataDir: string): () => void {
  const holder = serverHolding(dataDir);
  if (holder !== undefined && holder !== process.pid)
    throw new ConfigError(`another Parley server (pid ${holder}) is using ${dataDir}; stop it first`);
  const file = path.join(dataDir, SERVER_LOCK_FILE);
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, `${process.pid}\n`);
  return () => {
    if (serverHolding(dataDir) === process.pid) fs.rmSync(file, { force: true });
  };
}

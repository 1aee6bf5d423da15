import fs from 'node:fs';
import path from 'node:path';
import { type Config, ConfigError, loadConfig } from '../config.js';
import { CommandError } from './command.js';

/** The SQLite database of a data dir, as `openStorage` names it. */
export const databaseFileOf = (dataDir: string): string => path.join(dataDir, 'parley.db');

/** Uploaded files, as the local-disk file store keeps them in the data dir. */
export const uploadsDirOf = (dataDir: string): string => path.join(dataDir, 'files');

/** A backup's copy of the uploads: a plain directory beside the backup file, `<FILE>.files`. */
export const backupUploadsDirOf = (backupFile: string): string => `${backupFile}.files`;

/** Files the store is still writing (`<id>.part`): not uploads yet. */
const isPartial = (file: string): boolean => file.endsWith('.part');

/** The server's configuration from the command's environment; a bad setting is the command's one-line refusal. */
export function operatorConfig(env: Record<string, string | undefined>): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) throw new CommandError(error.message);
    throw error;
  }
}

const MIB = 1024 * 1024;
export const mib = (bytes: number): string => `${(bytes / MIB).toFixed(1)} MiB`;

/** Reports progress in tenths: once per 10 % reached, whatever the steps' sizes. */
export function tenths(say: (line: string) => void, label: string): (done: number, total: number) => void {
  let reported = 0;
  return (done, total) => {
    const tenth = total > 0 ? Math.floor((done / total) * 10) : 10;
    if (tenth <= reported || tenth >= 10) return;
    reported = tenth;
    say(`${label}: ${tenth * 10}%`);
  };
}

/** Flushes a file or directory to disk, so that a rename after it survives a power cut. */
export function fsyncPath(target: string): void {
  const fd = fs.openSync(target, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Copies a file in 4 MiB chunks, reporting progress, and flushes the copy. */
export function copyFileWithProgress(from: string, to: string, progress: (done: number, total: number) => void): void {
  const total = fs.statSync(from).size;
  const input = fs.openSync(from, 'r');
  const output = fs.openSync(to, 'w');
  try {
    const chunk = Buffer.allocUnsafe(4 * MIB);
    for (let done = 0; ; ) {
      const read = fs.readSync(input, chunk, 0, chunk.length, done);
      if (read === 0) break;
      fs.writeSync(output, chunk, 0, read);
      done += read;
      progress(done, total);
    }
    fs.fsyncSync(output);
  } finally {
    fs.closeSync(input);
    fs.closeSync(output);
  }
}

/**
 * Copies a directory of uploads (`<id>` and `<id>.json` files), subdirectories included, leaving
 * out files still being written. Returns how many files it copied and their bytes.
 */
export function copyUploads(from: string, to: string): { files: number; bytes: number } {
  fs.mkdirSync(to, { recursive: true });
  const copied = { files: 0, bytes: 0 };
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) {
      const inner = copyUploads(source, target);
      copied.files += inner.files;
      copied.bytes += inner.bytes;
    } else if (entry.isFile() && !isPartial(entry.name)) {
      fs.copyFileSync(source, target);
      copied.files++;
      copied.bytes += fs.statSync(source).size;
    }
  }
  return copied;
}

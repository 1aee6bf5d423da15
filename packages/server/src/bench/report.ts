import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RUNTIME_V8_FLAGS } from '../v8-runtime-flags.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '../../../..');
export const BENCHMARKS_FILE = path.join(REPO_ROOT, 'BENCHMARKS.md');

export function machine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const setAtStart = RUNTIME_V8_FLAGS.filter((flag) => !process.execArgv.includes(flag)).map((flag) => `${flag} set at start`);
  const flags = ` (${[...process.execArgv, ...setAtStart].join(' ')})`;
  // The processes the bench starts (servers, in-process benchmarks) take these too (child-process.ts).
  const childFlags = process.env.BENCH_NODE_ARGS ? `; its processes also \`${process.env.BENCH_NODE_ARGS}\`` : '';
  return `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}${flags}${childFlags}`;
}

/** Appends one dated section; earlier runs stay, so the file is a history. */
export function appendReport(title: string, command: string, body: string): void {
  const header = fs.existsSync(BENCHMARKS_FILE)
    ? ''
    : '# Benchmarks\n\nEvery section is appended by `npm run bench`; nothing here is typed by hand.\n';
  const section = `\n## ${title}\n\n- date: ${new Date().toISOString()}\n- machine: ${machine()}\n- load average at the end: ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} (1, 5, 15 min; others' work on a shared machine shows here)\n- command: \`${command}\`\n\n${body.trim()}\n`;
  fs.appendFileSync(BENCHMARKS_FILE, header + section);
}

export const fmt = (n: number, digits = 1): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

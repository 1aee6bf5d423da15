import { setImmediate as nextTurn } from 'node:timers/promises';
import { errorText, type PostgresTarget, type Progress } from './postgres-target.js';
import type { SourceTable, SqliteSource } from './sqlite-source.js';
import type { TableCopyPlan } from './table-copy-plan.js';

export interface CopyOptions {
  /** Rows per INSERT (and per commit). */
  batchSize: number;
  /** A table's progress line is printed at most this often (the last one always). */
  progressEveryMs: number;
  /** Test hook: SIGKILL this process once that many batches have committed, as a crash part-way would. */
  crashAfterBatches?: number;
  say(line: string): void;
}

export interface CopyResult {
  /** Rows this run copied (a resumed run counts only its own). */
  rows: number;
  seconds: number;
}

export class CopyFailed extends Error {
  override name = 'CopyFailed';
}

export const count = (n: number): string => n.toLocaleString('en-US');
const secondsSince = (start: number): number => (performance.now() - start) / 1000;

/**
 * Copies every table not done yet, each in keyset-ordered batches from just after its last copied
 * key: a batch and its progress commit together, so a run stopped anywhere resumes after the last
 * committed batch and copies nothing twice. The next batch is read from SQLite while PostgreSQL
 * writes the previous one; memory stays two batches whatever the tables' sizes.
 */
export async function copyTables(
  source: SqliteSource,
  target: PostgresTarget,
  plans: ReadonlyArray<{ table: SourceTable; plan: TableCopyPlan }>,
  progress: ReadonlyMap<string, Progress>,
  options: CopyOptions,
): Promise<CopyResult> {
  const started = performance.now();
  let copiedThisRun = 0;
  let batches = 0;
  for (const { table, plan } of plans) {
    const done = progress.get(table.name);
    if (done?.done) {
      options.say(`${table.name}: copied by the earlier run (${count(done.rowsCopied)} rows)`);
      continue;
    }
    const total = source.count(table);
    let copied = done?.rowsCopied ?? 0;
    if (done?.lastKey) options.say(`${table.name}: resuming after ${count(copied)} of ${count(total)} rows`);
    const tableStart = performance.now();
    let lastLine = tableStart;
    const read = source.reader(table, options.batchSize, done?.lastKey ?? undefined);
    let rows = read();
    while (rows.length) {
      const lastKey = source.keyOf(table, rows[rows.length - 1] as never);
      const writing = target.copyBatch(table.name, plan.insertSql, plan.params(rows), lastKey).catch((error: unknown) => {
        throw new CopyFailed(
          `copying ${table.name} after key ${lastKey} failed: ${errorText(error)} (that batch was not written; run again to resume)`,
        );
      });
      // Let the INSERT leave for the server before the next batch's synchronous read.
      await nextTurn();
      const next = read();
      await writing;
      copied += rows.length;
      copiedThisRun += rows.length;
      batches++;
      if (options.crashAfterBatches !== undefined && batches >= options.crashAfterBatches) process.kill(process.pid, 'SIGKILL');
      const now = performance.now();
      if (next.length && now - lastLine >= options.progressEveryMs) {
        lastLine = now;
        options.say(`${table.name}: ${count(copied)} / ${count(total)} rows (${Math.floor((copied / Math.max(total, 1)) * 100)}%)`);
      }
      rows = next;
    }
    await target.finishTable(table.name);
    options.say(`${table.name}: ${count(copied)} rows${total === 0 ? '' : ` in ${secondsSince(tableStart).toFixed(1)} s`}`);
  }
  return { rows: copiedThisRun, seconds: secondsSince(started) };
}

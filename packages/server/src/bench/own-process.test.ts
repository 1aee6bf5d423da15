import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The compiled runner, as `npm run bench` runs it (built by `npm run check`): the child is a .js entry.
const compiled = path.resolve(import.meta.dirname, '../../dist/bench/own-process.js');
const { inOwnProcess } = (await import(compiled)) as typeof import('./own-process.js');

describe('an in-process bench run in a process of its own', () => {
  it("answers the bench's own result", async () => {
    const row = await inOwnProcess('commit-sqlite', { batch: 10, inFlight: 1, seconds: 0.2, pairs: 10 });
    expect(row).toMatch(/^\| SQLite \(synchronous=FULL\) \| 10 \| 1 \| [\d,]+ \|/);
  });

  it('measures the floors, a row per group shape, per indexing batch and per part of indexing', async () => {
    const table = await inOwnProcess('floors-sqlite', { messages: 400 });
    const rows = table.split('\n').filter((line) => /^\| (commit|search)/.test(line));
    expect(rows).toHaveLength(8);
    expect(rows.filter((row) => row.startsWith('| search indexing, its part:'))).toHaveLength(2);
    for (const row of rows) expect(row).toMatch(/\| [\d.,]+ µs a message \|/);
  });

  it("fails with the child's reason when there is no result", async () => {
    const anyName = inOwnProcess as unknown as (name: string) => Promise<unknown>;
    await expect(anyName('no-such-bench')).rejects.toThrow(/no bench named no-such-bench/);
  });
});

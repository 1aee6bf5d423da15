import { quoteIdentifier } from '../adapters/storage/postgres/migrations.js';
import type { TargetColumn } from './postgres-target.js';
import type { SourceTable, SourceValue } from './sqlite-source.js';

/** How one SQLite table's rows become one multi-row INSERT into its PostgreSQL twin. */
export interface TableCopyPlan {
  table: string;
  /** `INSERT … SELECT * FROM unnest($1::type[], …)`: one array parameter per column. */
  insertSql: string;
  /** The batch's rows (arrays in the source's column order) as the statement's parameters. */
  params(rows: readonly SourceValue[][]): unknown[][];
  /** Identity columns of the target, filled with the source's values: their sequences must continue above them. */
  identities: string[];
}

export class SchemaMismatch extends Error {
  override name = 'SchemaMismatch';
}

/**
 * Maps the columns by name. The two adapters' migrations make the same tables with the same
 * columns, types aside (SQLite's INTEGER flags become BOOLEAN, INTEGER ms and seqs BIGINT); a
 * source column the target lacks, or a target column that needs a value the source does not have,
 * means the two schemas disagree and nothing is copied.
 */
export function planTableCopy(
  source: SourceTable,
  target: readonly TargetColumn[],
  targetKey: readonly string[],
  seeded: boolean,
): TableCopyPlan {
  const byName = new Map(target.map((c) => [c.name, c]));
  if (!target.length) throw new SchemaMismatch(`PostgreSQL has no table ${source.name}`);
  const columns = source.columns.map((name) => {
    const column = byName.get(name);
    if (!column) throw new SchemaMismatch(`PostgreSQL's ${source.name} has no column ${name}`);
    return column;
  });
  const unfilled = target.filter((c) => !c.optional && !source.columns.includes(c.name));
  if (unfilled.length) throw new SchemaMismatch(`SQLite's ${source.name} has no ${unfilled.map((c) => c.name).join(', ')}`);
  const names = columns.map((c) => quoteIdentifier(c.name)).join(', ');
  const arrays = columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ');
  const overriding = columns.some((c) => c.identity === 'a') ? ' OVERRIDING SYSTEM VALUE' : '';
  // A table the target's migrations seeded (counters: the epoch, the super-group clock) takes the
  // source's values over the seed: the epoch is what keeps sync tokens issued on SQLite valid.
  const upsert =
    seeded && targetKey.length
      ? ` ON CONFLICT (${targetKey.map(quoteIdentifier).join(', ')}) DO UPDATE SET ${columns
          .filter((c) => !targetKey.includes(c.name))
          .map((c) => `${quoteIdentifier(c.name)} = EXCLUDED.${quoteIdentifier(c.name)}`)
          .join(', ')}`
      : '';
  const converters = columns.map((c) => converterFor(source.name, c));
  return {
    table: source.name,
    insertSql: `INSERT INTO ${quoteIdentifier(source.name)} (${names})${overriding} SELECT * FROM unnest(${arrays})${upsert}`,
    params: (rows) => converters.map((convert, i) => rows.map((row) => convert(row[i] ?? null))),
    identities: columns.filter((c) => c.identity !== '').map((c) => c.name),
  };
}

/** One SQLite value as its target column takes it; integers travel as decimal strings, exact at any size. */
function converterFor(table: string, column: TargetColumn): (value: SourceValue) => unknown {
  const where = `${table}.${column.name}`;
  switch (column.type) {
    case 'boolean':
      return (v) => (v === null ? null : Number(v) !== 0);
    case 'bigint':
    case 'integer':
    case 'smallint':
      return (v) => {
        if (v === null) return null;
        if (typeof v === 'bigint' || typeof v === 'number') return v.toString();
        throw new SchemaMismatch(`${where} holds ${JSON.stringify(String(v))}, not an integer`);
      };
    case 'text':
      return (v) => {
        if (v === null || typeof v === 'string') return v;
        if (typeof v === 'bigint' || typeof v === 'number') return v.toString();
        throw new SchemaMismatch(`${where} holds binary data where PostgreSQL has text`);
      };
    default:
      throw new SchemaMismatch(`${where} has type ${column.type}, which this copy does not map`);
  }
}

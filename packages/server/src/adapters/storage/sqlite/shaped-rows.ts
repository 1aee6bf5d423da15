import type { Statement } from 'better-sqlite3';

/** A reading statement whose rows come out as plain objects that all share one shape. */
export interface ShapedStatement<Row> {
  all(...params: unknown[]): Row[];
  get(...params: unknown[]): Row | undefined;
}

/**
 * `statement`'s rows built in JavaScript from better-sqlite3's raw arrays.
 *
 * On Node 20, better-sqlite3 builds a row object from C++ one property at a time and interns every
 * column name again for every row. For the 23 columns of a conversation that cost more than SQLite's
 * search for the rows: a list page of 101 rows took 0.56 ms as better-sqlite3's objects and 0.27 ms
 * as arrays made into objects here (10,000 conversations, an ad-hoc probe not kept). Each row is a copy of a template
 * holding every column, so all rows share one hidden class. A column name that a join repeats keeps
 * its last value, as in better-sqlite3's objects.
 */
export function shaped<Row>(statement: Statement): ShapedStatement<Row> {
  const names = statement.columns().map((c) => c.name);
  const template: Record<string, unknown> = {};
  for (const name of names) template[name] = null;
  statement.raw(true);
  const toRow = (values: unknown[]): Row => {
    const row = { ...template };
    for (let i = 0; i < names.length; i++) row[names[i] as string] = values[i];
    return row as Row;
  };
  return {
    all: (...params) => (statement.all(...params) as unknown[][]).map(toRow),
    get: (...params) => {
      const values = statement.get(...params) as unknown[] | undefined;
      return values && toRow(values);
    },
  };
}

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
 * column name again for every row, which for wide rows cost more than SQLite's search for them. The
 * rows here come from one object literal made for the statement's columns, so they all share one
 * hidden class and every key is a constant. Ad-hoc probes (not kept), rows then converted as the stores
 * do: 100 message rows 0.47-0.54 ms as better-sqlite3's objects, 0.22 ms here; a page of 101
 * conversation rows 0.56 -> 0.24 ms. Copying a template and setting the keys in a loop was slower
 * than better-sqlite3 for message rows (0.69 ms). A column name that a join repeats keeps its last
 * value, as in better-sqlite3's objects.
 */
export function shaped<Row>(statement: Statement): ShapedStatement<Row> {
  const fields = statement.columns().map((c, i) => `${JSON.stringify(c.name)}: values[${i}]`);
  // The keys are the statement's own column names, quoted by JSON.stringify: no text from a request.
  const toRow = new Function('values', `return { ${fields.join(', ')} };`) as (values: unknown[]) => Row;
  statement.raw(true);
  return {
    all: (...params) => (statement.all(...params) as unknown[][]).map(toRow),
    get: (...params) => {
      const values = statement.get(...params) as unknown[] | undefined;
      return values && toRow(values);
    },
  };
}

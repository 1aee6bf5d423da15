import type { Database, Statement } from 'better-sqlite3';

/** A statement written with `@name` parameters, bound by position. */
export interface ByNameStatement<P> {
  /** Prepared with a `?` for each `@name`, in raw mode or not as the caller sets it. */
  statement: Statement;
  /** `params`' values in the order of the SQL's parameters; a name written twice is given twice. */
  values(params: P): unknown[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Prepares `sql`, whose parameters are all `@name`s, for binding by position from an object.
 *
 * better-sqlite3 binds an object's named parameters in C++: on every run it makes each parameter's
 * name a V8 string again and looks it up on the object. For the send path's conversation upsert, 13
 * names, that was a third of the statement's cost in a scratch loop (2.24 -> 1.52 µs a row,
 * BENCHMARKS.md 2026-12-05). Here the values are read by a function made once for the statement,
 * whose property names are constants, so the reads are JavaScript's inline-cached ones.
 */
export function prepareByName<P extends object>(db: Database, sql: string): ByNameStatement<P> {
  const { text, names } = positional(sql);
  // The names matched NAME: property accesses, nothing from a request.
  const read = new Function('p', `return [${names.map((n) => `p.${n}`).join(', ')}];`) as (params: P) => unknown[];
  const values = (params: P): unknown[] => {
    const v = read(params);
    // By position better-sqlite3 binds undefined as NULL (by name it refuses a missing property), and an
    // array would be spread into several parameters: both are refused here.
    for (let i = 0; i < v.length; i++) {
      if (v[i] === undefined) throw new TypeError(`missing named parameter "${names[i]}"`);
      if (Array.isArray(v[i])) throw new TypeError(`named parameter "${names[i]}" is an array`);
    }
    return v;
  };
  return { statement: db.prepare(text), values };
}

/**
 * `sql` with each `@name` outside quotes and comments made `?`, and the names in order. Any other
 * kind of parameter (`?`, `?1`, `:name`, `$name`) is refused: mixed with these, positions would shift.
 */
export function positional(sql: string): { text: string; names: string[] } {
  const names: string[] = [];
  let text = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    const skipTo = literalEnd(sql, i);
    if (skipTo > i) {
      text += sql.slice(i, skipTo);
      i = skipTo;
    } else if (c === '@') {
      let j = i + 1;
      while (j < sql.length && /[A-Za-z0-9_]/.test(sql[j] as string)) j++;
      const name = sql.slice(i + 1, j);
      if (!NAME.test(name)) throw new Error(`a parameter without a name at ${i}: ${sql.slice(i, i + 20)}`);
      names.push(name);
      text += '?';
      i = j;
    } else if (c === '?' || ((c === ':' || c === '$') && /[A-Za-z_]/.test(sql[i + 1] ?? ''))) {
      throw new Error(`only @name parameters may be used here: ${sql.slice(i, i + 20)}`);
    } else {
      text += c;
      i++;
    }
  }
  return { text, names };
}

/** Where the quoted text or comment starting at `i` ends, or `i` if none starts there. */
function literalEnd(sql: string, i: number): number {
  const c = sql[i];
  if (c === "'" || c === '"' || c === '`') {
    // A quote inside is doubled, which this reads as the literal ending and another starting.
    const end = sql.indexOf(c, i + 1);
    return end < 0 ? sql.length : end + 1;
  }
  if (c === '[') {
    const end = sql.indexOf(']', i + 1);
    return end < 0 ? sql.length : end + 1;
  }
  if (c === '-' && sql[i + 1] === '-') {
    const end = sql.indexOf('\n', i);
    return end < 0 ? sql.length : end;
  }
  if (c === '/' && sql[i + 1] === '*') {
    const end = sql.indexOf('*/', i + 2);
    return end < 0 ? sql.length : end + 2;
  }
  return i;
}

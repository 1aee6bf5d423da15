import type { QueryConfig } from 'pg';

const names = new Map<string, string>();

/**
 * A read run as a named prepared statement: each pooled connection parses and plans it once, not on
 * every call. On the hot reads that is most of their server time (measured here on 100 000
 * conversations: the sync clock read 0.16 → 0.08 ms, the list page 0.48 → 0.35 ms per call).
 *
 * Only for SQL whose text is one of a fixed few (a constant, or a handful of variants): every
 * distinct text becomes a statement kept on each connection for its life. Never for text built
 * from a variable number of values. The name is stable per text within the process, so a
 * connection never meets one name with two texts.
 */
export function prepared(text: string, values: unknown[]): QueryConfig {
  let name = names.get(text);
  if (name === undefined) {
    name = `parley_read_${names.size}`;
    names.set(text, name);
  }
  return { name, text, values };
}

/** From this many rows on, a batch statement is planned for its own batch (see `batchStatement`). */
export const OWN_PLAN_FROM = 64;

/**
 * A statement that takes a batch as arrays (`unnest`). Small batches run it as a named prepared
 * statement: parsed once per connection, and after five runs PostgreSQL may keep one generic plan
 * for it. That plan is made without knowing how long the arrays are, and for large batches it was
 * the slower one: a send commit of 500 messages on 500 channels took 102 ms with it and 71 ms
 * planned for the batch (median of 30; planning the one-statement commit costs about 0.6 ms). So
 * from OWN_PLAN_FROM rows on the statement goes unnamed, parsed and planned for that batch.
 */
export function batchStatement(name: string, rows: number, text: string, values: unknown[]): QueryConfig {
  return rows < OWN_PLAN_FROM ? { name, text, values } : { text, values };
}

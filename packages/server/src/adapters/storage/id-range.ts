import type { IdPageQuery } from '../../ports/storage/index.js';

/**
 * A keyset page of ids (`UserStore.list`, `ChannelStore.listGroups`) as one index range, so both
 * SQL adapters read only the page and stop: `from` and `after` bound it below, and the prefix's
 * successor above. (A prefix test such as LIKE would be case-insensitive in SQLite and scan on.)
 */
export interface IdRange {
  /** column >= gte */
  gte?: string;
  /** column > gt */
  gt?: string;
  /** column < lt */
  lt?: string;
}

/**
 * The smallest string above every string starting with `prefix`, in code point order: the prefix with
 * its last character raised by one. Prefixes are made of the id rule's ASCII characters (the port
 * says so), so the raised one is a character too.
 */
export function prefixSuccessor(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

export function idRange({ prefix, after }: IdPageQuery): IdRange {
  const range: IdRange = {};
  // Code units compare as code points for ASCII, and ids here are compared against ASCII prefixes.
  if (after !== undefined && after >= prefix) range.gt = after;
  else if (prefix) range.gte = prefix;
  if (prefix) range.lt = prefixSuccessor(prefix);
  return range;
}

/** The range as SQL conditions on `column`, each parameter named by `param(n)` (n from 1), joined by AND; '1 = 1' for no bound. */
export function idRangeSql(
  column: string,
  range: IdRange,
  param: (n: number) => string,
  firstParam = 1,
): { sql: string; params: string[] } {
  const parts: string[] = [];
  const params: string[] = [];
  for (const [op, value] of [
    ['>=', range.gte],
    ['>', range.gt],
    ['<', range.lt],
  ] as const) {
    if (value === undefined) continue;
    params.push(value);
    parts.push(`${column} ${op} ${param(firstParam + params.length - 1)}`);
  }
  return { sql: parts.length ? parts.join(' AND ') : '1 = 1', params };
}

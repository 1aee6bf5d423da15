/**
 * Array parameters as PostgreSQL array literals written by V8's JSON.stringify.
 *
 * pg turns a JS array into its literal element by element, in JavaScript: two regex replaces and
 * string concatenations per element. The send path's statements pass about thirty arrays of a
 * batch's size each (`unnest`), and that was 4-5 % of a PostgreSQL node's CPU in the send bench.
 * JSON.stringify does the same work natively: a JSON string is a valid quoted array element (both
 * escape only `"` and `\` with a backslash), and numbers, `true`, `false` and `null` read the same
 * in both.
 *
 * The two differ only where JSON writes other escapes: control characters (`\n`, `\u0001`) and
 * lone surrogates (`\ud800`), which an array literal would read as plain letters. An array with
 * such a string, a non-finite number or any other kind of element is passed on unchanged, for
 * pg's own encoding: the value PostgreSQL receives is the same either way.
 */

/** Any control character or surrogate: a cheap first test; surrogate pairs (emoji) pass the second. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this looks for
const MAYBE_ESCAPED = /[\0-\x1f\ud800-\udfff]/;
/** In unicode mode a surrogate pair is one code point: only a lone surrogate matches. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this looks for
const UNSAFE = /[\0-\x1f]|\p{Surrogate}/u;

/** The array's literal, or the array itself when JSON would not write a valid literal of it. */
export function arrayLiteral(values: readonly unknown[]): string | readonly unknown[] {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === 'string') {
      if (MAYBE_ESCAPED.test(v) && UNSAFE.test(v)) return values;
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) return values;
    } else if (v !== null && v !== undefined && typeof v !== 'boolean') {
      return values;
    }
  }
  const json = JSON.stringify(values);
  return `{${json.slice(1, -1)}}`;
}

/** A statement's parameters with each array written as its literal (see `arrayLiteral`); other values as they are. */
export const withArrayLiterals = (values: readonly unknown[]): unknown[] => values.map((v) => (Array.isArray(v) ? arrayLiteral(v) : v));

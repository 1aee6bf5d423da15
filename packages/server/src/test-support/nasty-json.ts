import fc from 'fast-check';

/**
 * Generators of structurally nasty input for the fuzz suites: values a careless or hostile client
 * sends, and mutations of a valid request that change one thing at a time so the fuzz reaches past
 * schema validation into the services and the stores.
 */

/** A JSON value that is nested `depth` levels deep, as text (an object literal could not be that deep cheaply). */
export const deepJson = (depth: number, open = '[', close = ']'): string => `${open.repeat(depth)}${close.repeat(depth)}`;

const nastyStrings = [
  '',
  ' ',
  '\u0000',
  'nul\u0000inside',
  '\ud800',
  'lone \udfff surrogate',
  '\u202eright-to-left',
  '👍🏽‍',
  '../../etc/passwd',
  '%00',
  '%FF',
  'p2p|',
  'team|',
  'super_team|x',
  'p2p|fz-b|extra',
  '__system__',
  '__proto__',
  'constructor',
  'toString',
  'a'.repeat(65),
  'x'.repeat(5001),
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '1e400',
  '-0',
  '99999999999999999999999',
];

const nastyNumbers = [0, -0, -1, 1.5, 2 ** 31, 2 ** 53 + 2, -(2 ** 53) - 2, 1e308, -1e308, Number.MIN_VALUE, Number.MAX_SAFE_INTEGER];

/** Any single nasty value: special strings and numbers, wrong types, and fast-check's own JSON values. */
export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<unknown>(...nastyStrings, ...nastyNumbers, null, true, false, [], {}) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 60 }).map((d) => JSON.parse(deepJson(d)) as unknown) },
  { weight: 1, arbitrary: fc.constant(JSON.parse('{"__proto__":{"admin":true}}') as unknown) },
  { weight: 1, arbitrary: fc.constant(JSON.parse('{"constructor":{"prototype":{"admin":true}}}') as unknown) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom<unknown>(...nastyStrings), { maxLength: 60 }) },
);

/** Text that is no JSON document a client should send (sent as the raw body or frame). */
export const nastyText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    '{',
    '{"a":',
    'null',
    '[]',
    '"string"',
    '1e999999',
    deepJson(5000),
    deepJson(5000, '{"a":', '}'),
    `{"pad":"${'x'.repeat(70_000)}"}`,
    '{"a":1,"a":2}',
    '\u0000',
  ),
  fc.string({ unit: 'binary', maxLength: 200 }),
);

type Json = Record<string, unknown>;

/**
 * A request shaped like `base` with one thing wrong: a field replaced, dropped or added, or the
 * whole thing replaced; sometimes `base` itself, so valid requests keep changing the state too.
 */
export function mutationOf(base: Json): fc.Arbitrary<unknown> {
  const keys = Object.keys(base);
  const replaced =
    keys.length === 0
      ? fc.constant(base)
      : fc.tuple(fc.constantFrom(...keys), nastyValue).map(([key, value]) => ({ ...base, [key]: value }));
  const dropped = keys.length === 0 ? fc.constant(base) : fc.constantFrom(...keys).map((key) => omit(base, key));
  const added = fc
    .tuple(fc.constantFrom('surprise', '__proto__', 'constructor', 'id', 'uid'), nastyValue)
    .map(([key, value]) => withKey(base, key, value));
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(base) },
    { weight: 5, arbitrary: replaced },
    { weight: 1, arbitrary: dropped },
    { weight: 1, arbitrary: added },
    { weight: 1, arbitrary: nastyValue },
  );
}

function omit(o: Json, key: string): Json {
  const copy = { ...o };
  delete copy[key];
  return copy;
}

/** Sets a key as an own property, `__proto__` included (an object literal would set the prototype instead). */
function withKey(o: Json, key: string, value: unknown): Json {
  const copy = { ...o };
  Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

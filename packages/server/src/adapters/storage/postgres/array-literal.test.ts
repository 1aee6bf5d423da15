import { describePostgres, postgresTestUrl } from '@parley/test-kit/postgres';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrayLiteral, withArrayLiterals } from './array-literal.js';

describe('arrayLiteral', () => {
  it('writes strings, numbers, booleans and nulls as one literal', () => {
    expect(arrayLiteral(['a', 'say "hi"', 'back\\slash', '北京😀', null])).toBe('{"a","say \\"hi\\"","back\\\\slash","北京😀",null}');
    expect(arrayLiteral([1, -2, 1_700_000_000_000])).toBe('{1,-2,1700000000000}');
    expect(arrayLiteral([true, false])).toBe('{true,false}');
    expect(arrayLiteral([])).toBe('{}');
  });

  it("leaves to pg's own encoding what JSON would escape otherwise", () => {
    for (const odd of [
      ['line\nbreak'],
      ['tab\t'],
      ['\u0001'],
      ['lone \ud800'],
      ['\udc00 lone'],
      [Number.NaN],
      [Number.POSITIVE_INFINITY],
      [[1]],
      [{}],
    ]) {
      expect(arrayLiteral(odd)).toBe(odd);
    }
  });

  it('converts only the arrays among parameters', () => {
    expect(withArrayLiterals(['x', 3, ['a'], null])).toEqual(['x', 3, '{"a"}', null]);
  });
});

/** Anything pg can send as text: PostgreSQL refuses NUL in text whichever way it is written. */
const element = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom('"', '\\', '\\"', 'NULL', 'null', '{}', ',', ' ', '', "'", '\n', '\ud83d', '😀'),
  fc.constant(null),
);
const texts = fc.array(element, { maxLength: 20 }).map((a) => a.map((s) => (s === null ? s : s.replaceAll('\0', ''))));

await describePostgres('arrayLiteral against PostgreSQL', () => {
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: postgresTestUrl() });
    await client.connect();
  });
  afterAll(() => client.end());

  /** What PostgreSQL reads from the literal and from pg's own encoding of the same array. */
  async function both(type: string, values: unknown[]): Promise<{ ours: unknown; pgs: unknown }> {
    const { rows } = await client.query(`SELECT $1::${type} AS ours, $2::${type} AS pgs`, [arrayLiteral(values), values]);
    return rows[0];
  }

  it("PostgreSQL reads the same text[] as from pg's encoding, for any strings", async () => {
    await fc.assert(
      fc.asyncProperty(texts, async (values) => {
        const { ours, pgs } = await both('text[]', values);
        expect(ours).toEqual(pgs);
      }),
      { numRuns: 300 },
    );
  });

  it('and the same int, bigint and bool arrays', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.integer(), fc.constant(null))),
        fc.array(fc.maxSafeInteger()),
        fc.array(fc.boolean()),
        async (ints, bigs, bools) => {
          expect((await both('int[]', ints)).ours).toEqual(ints);
          expect((await both('bigint[]', bigs)).ours).toEqual(bigs.map(String));
          expect((await both('bool[]', bools)).ours).toEqual(bools);
        },
      ),
      { numRuns: 100 },
    );
  });
});

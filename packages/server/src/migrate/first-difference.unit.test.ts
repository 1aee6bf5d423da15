import { describe, expect, it } from 'vitest';
import { firstDifference } from './first-difference.js';

describe('firstDifference', () => {
  it('finds nothing between equal values, whatever the key order, and a missing key equals an undefined one', () => {
    expect(firstDifference({ a: 1, b: [1, { c: 'x' }] }, { b: [1, { c: 'x' }], a: 1 })).toBeUndefined();
    expect(firstDifference({ a: 1, b: undefined }, { a: 1 })).toBeUndefined();
    expect(firstDifference(null, null)).toBeUndefined();
  });

  it('names the path of the first difference and both values', () => {
    expect(firstDifference({ list: [{ unread: 2 }, { unread: 3 }] }, { list: [{ unread: 2 }, { unread: 1 }] })).toBe(
      'list[1].unread: 3 ≠ 1',
    );
    expect(firstDifference({ a: 'x' }, { a: 'x', b: true })).toBe('b: nothing ≠ true');
    expect(firstDifference([1, 2], [1, 2, 3])).toBe('list: length 2 ≠ 3');
    expect(firstDifference({ m: [1] }, { m: [] })).toBe('m: length 1 ≠ 0');
    expect(firstDifference(1, '1')).toBe('value: 1 ≠ "1"');
    expect(firstDifference({ a: null }, { a: {} })).toBe('a: null ≠ {}');
  });

  it('cuts long values short', () => {
    const long = 'x'.repeat(200);
    expect(firstDifference({ p: long }, { p: 'y' })).toBe(`p: "${'x'.repeat(79)}… ≠ "y"`);
  });
});

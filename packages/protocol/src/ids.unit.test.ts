import Value from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { ChannelTypeSchema, DeviceFlagSchema, GroupId, ID_PATTERN, isValidId, Uid } from './ids.js';

const valid = ['a', 'alice', 'Alice', 'user_1', 'first.last', 'em@il.example.com', 'a-b', 'x'.repeat(64), '0', '__system__'];
const invalid = ['', 'x'.repeat(65), 'al ice', 'p2p|bob', 'alice\n', '\nalice', 'élise', '名前', 'a/b', 'a\u0000', 'a+b', 'a#b'];

describe('ids', () => {
  it('takes 1-64 characters of [A-Za-z0-9_.@-], case-sensitive, and nothing else', () => {
    for (const id of valid) expect(isValidId(id), id).toBe(true);
    for (const id of invalid) expect(isValidId(id), JSON.stringify(id)).toBe(false);
    for (const notString of [undefined, null, 1, ['alice'], { toString: () => 'alice' }]) expect(isValidId(notString)).toBe(false);
  });

  it('is one rule: the Uid and GroupId schemas agree with isValidId on every sample', () => {
    expect(Uid).toMatchObject({ pattern: ID_PATTERN });
    expect(GroupId).toMatchObject({ pattern: ID_PATTERN });
    for (const id of [...valid, ...invalid]) {
      expect(Value.Check(Uid, id), JSON.stringify(id)).toBe(isValidId(id));
      expect(Value.Check(GroupId, id), JSON.stringify(id)).toBe(isValidId(id));
    }
  });

  it('knows four channel types and three device flags', () => {
    expect([0, 1, 2, 3, 4, 5, '1', 1.5].map((t) => Value.Check(ChannelTypeSchema, t))).toEqual([
      false,
      true,
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
    expect([0, 1, 2, 3, 4].map((f) => Value.Check(DeviceFlagSchema, f))).toEqual([false, true, true, true, false]);
  });
});

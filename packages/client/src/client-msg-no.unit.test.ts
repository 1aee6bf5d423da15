import { describe, expect, it } from 'vitest';
import { clientMsgNoMaker } from './client-msg-no.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** The ms a number carries in its first 48 bits. */
const msOf = (no: string): number => Number.parseInt(no.slice(0, 8) + no.slice(9, 13), 16);

describe('clientMsgNoMaker', () => {
  it('makes UUIDs of version 7 whose first 48 bits are the time in ms', () => {
    const newClientMsgNo = clientMsgNoMaker();
    const at = Date.UTC(2026, 11, 5, 0, 45);
    const no = newClientMsgNo(at);
    expect(no).toMatch(UUID_V7);
    expect(msOf(no)).toBe(at);
  });

  it('sorts in the order it made them: within one ms, across ms, and when the clock moves back', () => {
    const newClientMsgNo = clientMsgNoMaker();
    const at = Date.UTC(2026, 11, 5, 1);
    const made = [
      ...Array.from({ length: 5 }, () => newClientMsgNo(at)),
      newClientMsgNo(at + 1),
      newClientMsgNo(at - 50),
      newClientMsgNo(at + 2),
    ];
    expect([...made].sort()).toEqual(made);
    expect(new Set(made).size).toBe(made.length);
  });

  it('moves to the next ms once 4,096 were made in one, still in order', () => {
    const newClientMsgNo = clientMsgNoMaker();
    const at = Date.UTC(2026, 11, 5, 2);
    const made = Array.from({ length: 4100 }, () => newClientMsgNo(at));
    expect([...made].sort()).toEqual(made);
    expect(made.at(-1)?.slice(0, 13)).toBe(newClientMsgNo(at).slice(0, 13));
    expect(msOf(made.at(-1) as string)).toBe(at + 1);
  });

  it('takes the clock instead of a time that is not a whole ms within 48 bits', () => {
    for (const bad of [Number.NaN, -1, 1.5e12 + 0.5, 2 ** 48]) {
      const newClientMsgNo = clientMsgNoMaker();
      const before = Date.now();
      const no = newClientMsgNo(bad);
      expect(no).toMatch(UUID_V7);
      expect(msOf(no)).toBeGreaterThanOrEqual(before);
    }
  });

  it('gives two devices of one user, in one ms, different numbers', () => {
    const newClientMsgNo = clientMsgNoMaker();
    const at = Date.UTC(2026, 11, 5, 3);
    const numbers = new Set(Array.from({ length: 1000 }, () => newClientMsgNo(at).slice(19)));
    expect(numbers.size).toBe(1000);
  });
});

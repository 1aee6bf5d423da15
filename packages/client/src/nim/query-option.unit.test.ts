import { describe, expect, it } from 'vitest';
import { ParleyClientError } from '../errors.js';
import { listParamsOf, type QueryMySessionOption } from './query-option.js';

describe("NIM's queryMySessionList options as native list params", () => {
  it.each([
    ['the defaults', {}, { limit: 100, needLastMsg: true }],
    ['0 timestamps mean no bound', { minTimestamp: 0, maxTimestamp: 0 }, { limit: 100, needLastMsg: true }],
    ['a window', { minTimestamp: 5, maxTimestamp: 9 }, { limit: 100, needLastMsg: true, minTimestamp: 5, maxTimestamp: 9 }],
    ['needLastMsg 0', { needLastMsg: 0 }, { limit: 100, needLastMsg: false }],
    ['needLastMsg as a boolean', { needLastMsg: false }, { limit: 100, needLastMsg: false }],
    ['limit 0 is the default', { limit: 0 }, { limit: 100, needLastMsg: true }],
    ['hasMore is accepted and unused', { hasMore: 1, limit: 7 }, { limit: 7, needLastMsg: true }],
    [
      'nulls as Android passes them',
      { minTimestamp: null, maxTimestamp: null, needLastMsg: null, limit: null },
      { limit: 100, needLastMsg: true },
    ],
  ] as Array<[string, QueryMySessionOption, Record<string, unknown>]>)('%s', (_, option, expected) => {
    expect(listParamsOf(option)).toEqual(expected);
  });

  it.each([
    ['needLastMsg 2', { needLastMsg: 2 }],
    ['hasMore 3', { hasMore: 3 }],
    ['limit 101', { limit: 101 }],
    ['limit -1', { limit: -1 }],
    ['limit 2.5', { limit: 2.5 }],
    ['a negative minTimestamp', { minTimestamp: -1 }],
    ['a fractional maxTimestamp', { maxTimestamp: 1.5 }],
  ] as Array<[string, QueryMySessionOption]>)('refuses %s as a parameter error (414)', (_, option) => {
    expect(() => listParamsOf(option)).toThrow(ParleyClientError);
    expect(() => listParamsOf(option)).toThrow(expect.objectContaining({ code: 'request.invalid' }));
  });
});

import { describe, expect, it } from 'vitest';
import { historyQueryOf } from './history-query.js';

const channel = { channelId: 'bob', channelType: 1 as const };

describe('WuKongIM history positions as native history queries', () => {
  it.each([
    ['first entry: the newest page', [0, false, 0, 20, 0], { startSeq: 0, limit: 20 }],
    ['first entry ignores pullMode', [0, false, 1, 20, 0], { startSeq: 0, limit: 20 }],
    ['pullMode 0: older than a stored message', [5000, false, 0, 10, 0], { startSeq: 5, pullMode: 0, contain: false, limit: 10 }],
    ['pullMode 0 with contain', [5000, true, 0, 10, 0], { startSeq: 5, pullMode: 0, contain: true, limit: 10 }],
    ['pullMode 1: newer than a stored message', [5000, false, 1, 10, 0], { startSeq: 5, pullMode: 1, contain: false, limit: 10 }],
    [
      'pullMode 0 from a message sending after seq 5: seq 5 and older',
      [5001, false, 0, 10, 0],
      { startSeq: 5, pullMode: 0, contain: true, limit: 10 },
    ],
    [
      'pullMode 1 from a message sending after seq 5: seq 6 and newer',
      [5001, true, 1, 10, 0],
      { startSeq: 5, pullMode: 1, contain: false, limit: 10 },
    ],
    [
      'pullMode 1 from a message sending before any stored one: from seq 1',
      [1, false, 1, 10, 0],
      { startSeq: 1, pullMode: 1, contain: true, limit: 10 },
    ],
    ['around a stored message', [0, false, 0, 10, 20_000], { around: 20, limit: 10 }],
    ['around a message sending after seq 20', [0, false, 0, 10, 20_001], { around: 20, limit: 10 }],
  ] as const)('%s', (_, [oldest, contain, pullMode, limit, around], expected) => {
    expect(historyQueryOf(channel, oldest, contain, pullMode, limit, around)).toEqual({ channel, ...expected });
  });

  it('answers nothing older than a message sending before any stored one, nor for a limit under 1', () => {
    expect(historyQueryOf(channel, 1, false, 0, 10, 0)).toBe('none');
    expect(historyQueryOf(channel, 0, false, 0, 0, 0)).toBe('none');
  });
});

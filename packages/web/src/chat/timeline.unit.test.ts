import type { LocalMessage } from '@parley/client';
import { describe, expect, it } from 'vitest';
import { message } from './test-message';
import { countUnseen, dayLabel, timeline } from './timeline';

const at = (y: number, mo: number, d: number, h = 12) => new Date(y, mo - 1, d, h).getTime();
const NOW = at(2025, 6, 18, 9);

const sent = (seq: number, timestamp: number, fromUid = 'bob', over: Partial<LocalMessage> = {}) =>
  message(seq, { timestamp, fromUid, ...over });

const shape = (entries: ReturnType<typeof timeline>) =>
  entries.map((e) => (e.kind === 'day' ? `[${e.label}]` : e.kind === 'unread' ? '--new--' : e.message.messageSeq));

describe('dayLabel', () => {
  it('says Today and Yesterday by the calendar, not by 24 hours', () => {
    expect(dayLabel(at(2025, 6, 18, 0), NOW)).toBe('Today');
    expect(dayLabel(at(2025, 6, 17, 23), NOW)).toBe('Yesterday');
    expect(dayLabel(at(2025, 6, 17, 0), at(2025, 6, 18, 23))).toBe('Yesterday');
  });

  it('names the weekday within a week, the date before, and the year only when it is not this one', () => {
    expect(dayLabel(at(2025, 6, 15), NOW)).toBe(new Date(at(2025, 6, 15)).toLocaleDateString(undefined, { weekday: 'long' }));
    expect(dayLabel(at(2025, 3, 3), NOW)).toContain('3');
    expect(dayLabel(at(2025, 3, 3), NOW)).not.toContain('2025');
    expect(dayLabel(at(2024, 12, 30), NOW)).toContain('2024');
  });
});

describe('timeline', () => {
  it('puts a day line before the first message of each day', () => {
    const items = [sent(1, at(2025, 6, 10)), sent(2, at(2025, 6, 10, 18)), sent(3, at(2025, 6, 17)), sent(4, NOW)];
    expect(shape(timeline(items, 'ann', undefined, NOW))).toEqual([
      `[${dayLabel(at(2025, 6, 10), NOW)}]`,
      1,
      2,
      '[Yesterday]',
      3,
      '[Today]',
      4,
    ]);
  });

  it("puts the unread line before the first message from someone else after the reader's place", () => {
    const items = [sent(1, NOW), sent(2, NOW), sent(3, NOW, 'ann'), sent(4, NOW), sent(5, NOW)];
    expect(shape(timeline(items, 'ann', 2, NOW))).toEqual(['[Today]', 1, 2, 3, '--new--', 4, 5]);
    expect(shape(timeline(items, 'ann', undefined, NOW))).toEqual(['[Today]', 1, 2, 3, 4, 5]);
    const notice = sent(3, NOW, 'bob', { payload: { type: 1000, kind: 'parley.notice', text: 'x' } as LocalMessage['payload'] });
    expect(shape(timeline([sent(1, NOW), notice, sent(4, NOW)], 'ann', 1, NOW))).toEqual(['[Today]', 1, 3, '--new--', 4]);
  });

  it('counts the messages from others below what was seen', () => {
    const items = [sent(1, NOW), sent(2, NOW, 'ann'), sent(3, NOW), sent(4, NOW), sent(0, NOW, 'ann')];
    expect(countUnseen(items, 'ann', 1)).toBe(2);
    expect(countUnseen(items, 'ann', 4)).toBe(0);
  });
});

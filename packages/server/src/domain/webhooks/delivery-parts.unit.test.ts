import { describe, expect, it } from 'vitest';
import { laneOf, OUTBOX_LANES, type StoredEvent } from '../../ports/storage/index.js';
import { backoffMs } from './dispatcher.js';
import { fitting, renderBody } from './event-body.js';
import { previewOf } from './message-events.js';
import { signatureOf } from './signature.js';

const stored = (n: number, type: string, data: object): StoredEvent => ({
  position: n,
  id: `e${n}`,
  type,
  lane: 0,
  createdAt: 1000 + n,
  dataJson: JSON.stringify(data),
});

describe('webhook delivery parts', () => {
  it('maps an order key to the same lane for ever: lanes are stored with the events', () => {
    // Pinned: a change here would deliver a channel's old and new events on two lanes, out of order.
    expect([laneOf('1|alice|bob'), laneOf('2|g1'), laneOf('user:alice'), laneOf('')]).toEqual([25, 13, 6, 11]);
    for (const key of ['a', 'b', '3|sg', 'user:x']) expect(laneOf(key)).toBeGreaterThanOrEqual(0);
    expect(new Set(Array.from({ length: 2000 }, (_, i) => laneOf(`1|u${i}|v${i}`))).size).toBe(OUTBOX_LANES);
  });

  it('backs off from the minimum, doubling, up to the maximum, with up to half taken off at random', () => {
    const none = () => 0.999999;
    const all = () => 0;
    expect([0, 1, 2, 3].map((a) => backoffMs(a, 1000, 600_000, none))).toEqual([1000, 2000, 4000, 8000]);
    expect(backoffMs(20, 1000, 600_000, none)).toBe(600_000);
    expect(backoffMs(10_000, 1000, 600_000, none)).toBe(600_000);
    expect(backoffMs(3, 1000, 600_000, all)).toBe(4000);
  });

  it('previews a text by its first 100 characters (not UTF-16 units), anything else by its kind', () => {
    expect(previewOf(1, JSON.stringify({ type: 1, content: 'Hi Bob!' }))).toBe('Hi Bob!');
    const long = '😀'.repeat(150);
    expect(previewOf(1, JSON.stringify({ type: 1, content: long }))).toBe(`${'😀'.repeat(100)}…`);
    expect(previewOf(1, 'not json')).toBe('');
    expect([2, 3, 4, 5, 6, 1000].map((t) => previewOf(t, `{"type":${t}}`))).toEqual([
      '[image]',
      '[file]',
      '[voice]',
      '[video]',
      '[location]',
      '[message]',
    ]);
  });

  it('renders a body with the stored data as is, and each offline recipient’s unread total read once', async () => {
    const asked: string[] = [];
    const body = await renderBody(
      [
        stored(1, 'message.sent', { b: 1, a: 'x' }),
        stored(2, 'message.offline', { uid: 'bob' }),
        stored(3, 'message.offline', { uid: 'bob' }),
      ],
      async (uid) => {
        asked.push(uid);
        return 7;
      },
    );
    expect(asked).toEqual(['bob']);
    expect(body).toBe(
      '{"events":[{"id":"e1","type":"message.sent","createdAt":1001,"data":{"b":1,"a":"x"}},' +
        '{"id":"e2","type":"message.offline","createdAt":1002,"data":{"uid":"bob","unreadTotal":7}},' +
        '{"id":"e3","type":"message.offline","createdAt":1003,"data":{"uid":"bob","unreadTotal":7}}]}',
    );
    expect(await renderBody([], async () => 0)).toBe('{"events":[]}');
  });

  it('fits a prefix of the events into the byte budget, always at least one', () => {
    const events = [1, 2, 3].map((n) => ({ dataJson: 'x'.repeat(400) + n }));
    expect(fitting(events, 1100)).toHaveLength(2);
    expect(fitting(events, 10)).toHaveLength(1);
    expect(fitting(events, 1_000_000)).toHaveLength(3);
  });

  it('signs the timestamp and the raw body together', () => {
    const a = signatureOf('s', 100, '{"events":[]}');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(signatureOf('s', 100, Buffer.from('{"events":[]}'))).toBe(a);
    expect(signatureOf('s', 101, '{"events":[]}')).not.toBe(a);
    expect(signatureOf('t', 100, '{"events":[]}')).not.toBe(a);
  });
});

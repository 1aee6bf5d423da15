import Value from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { SendParams } from './message.js';

const base = { channelId: 'bob', channelType: 1, clientMsgNo: 'c-1', payload: { type: 1, content: 'hi' } };
const accepts = (over: Record<string, unknown>) => Value.Check(SendParams, { ...base, ...over });

describe('SendParams', () => {
  it('accepts the least a send needs, and every optional part', () => {
    expect(Value.Check(SendParams, base)).toBe(true);
    expect(
      accepts({
        header: { noPersist: false, redDot: true, syncOnce: false },
        setting: { receipt: true, topic: 't' },
        reply: { messageId: '382696563064963072', messageSeq: 3, fromUid: 'alice', preview: 'hey' },
        mentions: { uids: ['alice'], all: true },
        entities: [{ type: 'link', offset: 0, length: 2, value: 'https://example.com' }],
      }),
    ).toBe(true);
  });

  it('bounds clientMsgNo: 1-64 characters, no control characters (some stores cannot keep NUL)', () => {
    expect(accepts({ clientMsgNo: 'x'.repeat(64) })).toBe(true);
    expect(accepts({ clientMsgNo: '🙂 uuid with spaces' })).toBe(true);
    for (const bad of ['', 'x'.repeat(65), 'a\u0000b', 'line\n', '\tc', 42])
      expect(accepts({ clientMsgNo: bad }), JSON.stringify(bad)).toBe(false);
  });

  it('takes any payload object whose type is a positive integer, custom fields included', () => {
    expect(accepts({ payload: { type: 1000, kind: 'poll', options: ['a', 'b'] } })).toBe(true);
    for (const payload of [{ type: 0 }, { type: 1.5 }, { type: '1' }, { content: 'no type' }, 'hi', null]) {
      expect(accepts({ payload }), JSON.stringify(payload)).toBe(false);
    }
  });

  it('refuses unknown fields at the top and in header, setting, reply, mentions and entities', () => {
    expect(accepts({ extra: 1 })).toBe(false);
    expect(accepts({ header: { redDot: true, loud: true } })).toBe(false);
    expect(accepts({ setting: { receipt: true, x: 1 } })).toBe(false);
    expect(accepts({ reply: { messageId: '1', messageSeq: 1, fromUid: 'a', x: 1 } })).toBe(false);
    expect(accepts({ mentions: { uids: [], everyone: true } })).toBe(false);
    expect(accepts({ entities: [{ type: 'b', offset: 0, length: 1, style: 'x' }] })).toBe(false);
  });

  it('holds the limits: channel id, channel type, reply ids, 100 mentions, 100 entities', () => {
    expect(accepts({ channelId: '' })).toBe(false);
    expect(accepts({ channelId: 'x'.repeat(65) })).toBe(false);
    expect(accepts({ channelType: 5 })).toBe(false);
    expect(accepts({ reply: { messageId: 'abc', messageSeq: 1, fromUid: 'a' } })).toBe(false);
    expect(accepts({ reply: { messageId: '1', messageSeq: 0, fromUid: 'a' } })).toBe(false);
    expect(accepts({ reply: { messageId: '1', messageSeq: 1, fromUid: 'not a uid' } })).toBe(false);
    const uids = (k: number) => Array.from({ length: k }, (_, i) => `u${i}`);
    expect(accepts({ mentions: { uids: uids(100) } })).toBe(true);
    expect(accepts({ mentions: { uids: uids(101) } })).toBe(false);
    const entity = { type: 'b', offset: 0, length: 1 };
    expect(accepts({ entities: Array(100).fill(entity) })).toBe(true);
    expect(accepts({ entities: Array(101).fill(entity) })).toBe(false);
    expect(accepts({ entities: [{ ...entity, offset: -1 }] })).toBe(false);
  });
});

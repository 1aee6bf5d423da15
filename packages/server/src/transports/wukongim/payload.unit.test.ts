import type { Payload } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { settingByteOf, toSendParams, toWkContent } from './payload.js';

const env = {
  header: { dup: false, syncOnce: false, redDot: true, noPersist: false },
  setting: 0,
  clientMsgNo: 'c1',
  channelId: 'g1',
  channelType: 2,
};

describe('WuKongIM content <-> Parley send params', () => {
  it('keeps the content as the payload and moves mention and reply beside it', () => {
    const params = toSendParams(
      {
        type: 1,
        content: 'hi @bob',
        mention: { all: 1, uids: ['bob'] },
        reply: { message_id: '42', message_seq: 3, from_uid: 'bob', from_name: 'Bob' },
      },
      env,
    );
    expect(params).toEqual({
      channelId: 'g1',
      channelType: 2,
      clientMsgNo: 'c1',
      payload: { type: 1, content: 'hi @bob' },
      header: { redDot: true, noPersist: false, syncOnce: false },
      mentions: { uids: ['bob'], all: true },
      reply: { messageId: '42', messageSeq: 3, fromUid: 'bob' },
    });
    // And back, as a WuKongIM client reads it.
    expect(
      toWkContent({
        payload: { type: 1, content: 'hi @bob' } as Payload,
        mentions: { uids: ['bob'], all: true },
        reply: { messageId: '42', messageSeq: 3, fromUid: 'bob' },
      }),
    ).toEqual({
      type: 1,
      content: 'hi @bob',
      mention: { uids: ['bob'], all: 1 },
      reply: { message_id: '42', message_seq: 3, from_uid: 'bob' },
    });
  });

  it('reads the header flags and the setting byte (receipt 1<<7, topic 1<<3)', () => {
    const params = toSendParams(
      { type: 1, content: 'x' },
      { ...env, header: { ...env.header, noPersist: true, redDot: false }, setting: 0x88, topic: 'news' },
    );
    expect(params).toMatchObject({
      header: { redDot: false, noPersist: true, syncOnce: false },
      setting: { receipt: true, topic: 'news' },
    });
    expect(settingByteOf({ setting: { receipt: true, topic: 'news' } })).toBe(0x88);
    expect(settingByteOf({ setting: { stream: true } })).toBe(0);
  });

  it('has no params for content that is not a JSON object', () => {
    for (const bad of ['text', 1, null, [1], undefined]) expect(toSendParams(bad, env)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { type MessageMeta, type MessageParts, metaJsonOf, renderMessageJson, toWireMessage, untouched } from './message-view.js';

const parts = (over: Partial<MessageParts> = {}): MessageParts => ({
  messageId: '382696563064963072',
  messageSeq: 7,
  clientMsgNo: 'c-"quoted"\\',
  fromUid: 'alice',
  channelType: 1,
  channelId: 'alice|bob',
  timestamp: 1_795_309_170_793,
  contentType: 1,
  payloadJson: JSON.stringify({ type: 1, content: 'hé "there"\n' }),
  metaJson: JSON.stringify({
    header: { noPersist: false, redDot: true, syncOnce: false },
    setting: { receipt: true },
    mentions: { uids: ['bob'] },
  }),
  ...untouched,
  ...over,
});

describe('message view', () => {
  it('renders the same message as the object form, for each side of a person channel', () => {
    for (const viewer of ['alice', 'bob']) {
      expect(JSON.parse(renderMessageJson(parts(), viewer))).toEqual(toWireMessage(parts(), viewer));
    }
    expect(toWireMessage(parts(), 'alice').channelId).toBe('bob');
    expect(toWireMessage(parts(), 'bob').channelId).toBe('alice');
  });

  it('hides a revoked message’s content and shows an edit', () => {
    const revoked = toWireMessage(parts({ revokedAt: 5, revoker: 'alice' }), 'bob');
    expect(revoked.payload).toEqual({ type: 1 });
    expect(revoked.extra).toMatchObject({ revoked: true, revoker: 'alice', revokedAt: 5, editedPayload: null });
    const edited = toWireMessage(parts({ editedAt: 9, editCount: 1, editedPayloadJson: '{"type":1,"content":"fixed"}' }), 'bob', {
      reactions: [{ emoji: '👍', uids: ['bob', 'carol'] }],
      readCount: 1,
      unreadCount: 0,
    });
    expect(edited.extra).toMatchObject({ editedAt: 9, editedPayload: { type: 1, content: 'fixed' }, readCount: 1 });
    expect(edited.reactions).toEqual([{ emoji: '👍', uids: ['bob', 'carol'], count: 2 }]);
  });

  it('names group channels by the group id for everyone', () => {
    const group = parts({
      channelType: 2,
      channelId: 'g1',
      metaJson: JSON.stringify({ header: { noPersist: false, redDot: false, syncOnce: false }, setting: {} }),
    });
    expect(JSON.parse(renderMessageJson(group, 'anyone'))).toEqual(toWireMessage(group, 'anyone'));
    expect(toWireMessage(group, 'x')).toMatchObject({
      channelId: 'g1',
      header: { redDot: false },
      extra: { revoked: false },
      reactions: [],
    });
  });

  it('gives a streamed message its stream state, the same in both forms, and no other message one', () => {
    const open = parts({ streamState: 1, streamChunk: 0, streamAt: 5 });
    expect(JSON.parse(renderMessageJson(open, 'bob'))).toEqual(toWireMessage(open, 'bob'));
    expect(toWireMessage(open, 'bob').stream).toEqual({ streaming: true, chunkNo: 0, status: null });
    const ended = parts({ streamState: 2, streamChunk: 4, streamStatus: 'timeout', streamAt: 9 });
    expect(JSON.parse(renderMessageJson(ended, 'bob'))).toEqual(toWireMessage(ended, 'bob'));
    expect(toWireMessage(ended, 'bob').stream).toEqual({ streaming: false, chunkNo: 4, status: 'timeout' });
    expect('stream' in toWireMessage(parts(), 'bob')).toBe(false);
  });

  it('serializes a meta exactly as JSON.stringify does, the eight plain ones and those with more', () => {
    const metas: MessageMeta[] = [];
    for (const noPersist of [false, true])
      for (const redDot of [false, true])
        for (const syncOnce of [false, true]) metas.push({ header: { noPersist, redDot, syncOnce }, setting: {} });
    const header = { noPersist: false, redDot: true, syncOnce: false };
    metas.push({ header, setting: { receipt: true } });
    metas.push({ header, setting: {}, mentions: { uids: ['bob'] } });
    metas.push({ header, setting: {}, entities: [] });
    metas.push({ header, setting: {}, reply: { messageId: '1', messageSeq: 1, fromUid: 'bob' } as MessageMeta['reply'] });
    for (const meta of metas) expect(metaJsonOf(meta)).toBe(JSON.stringify(meta));
  });
});

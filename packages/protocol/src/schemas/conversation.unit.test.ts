import Value from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { ConversationRef, ListParams } from './conversation.js';

describe('ConversationRef', () => {
  it('names a conversation by id or by channel; the schema leaves "one of them" to the server', () => {
    expect(Value.Check(ConversationRef, { conversationId: 'team|g1' })).toBe(true);
    expect(Value.Check(ConversationRef, { channelId: 'g1', channelType: 2 })).toBe(true);
    expect(Value.Check(ConversationRef, {})).toBe(true);
  });

  it('refuses a malformed id, a channel type outside 1-4, an empty or long channel id, and unknown fields', () => {
    for (const ref of [
      { conversationId: 'g1' },
      { conversationId: 'team|' },
      { channelId: 'g1', channelType: 0 },
      { channelId: '', channelType: 2 },
      { channelId: 'x'.repeat(65), channelType: 2 },
      { conversationId: 'team|g1', groupId: 'g1' },
    ])
      expect(Value.Check(ConversationRef, ref), JSON.stringify(ref)).toBe(false);
  });
});

describe('ListParams', () => {
  it('holds the page bounds of both vendor forms', () => {
    const ok = (p: object) => Value.Check(ListParams, p);
    expect([ok({}), ok({ limit: 1 }), ok({ limit: 100 }), ok({ pageSize: 50 }), ok({ msgCount: 0 }), ok({ msgCount: 20 })]).toEqual(
      Array(6).fill(true),
    );
    expect([ok({ limit: 0 }), ok({ limit: 101 }), ok({ pageSize: 51 }), ok({ msgCount: 21 }), ok({ minTimestamp: -1 })]).toEqual(
      Array(5).fill(false),
    );
    expect(ok({ cursor: 'x'.repeat(512) })).toBe(true);
    expect(ok({ cursor: 'x'.repeat(513) })).toBe(false);
    expect(ok({ limit: 10, sort: 'asc' })).toBe(false);
  });
});

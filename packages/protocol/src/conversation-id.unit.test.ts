import Value from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { type ChannelRef, formatConversationId, parseConversationId } from './conversation-id.js';
import { ChannelType } from './ids.js';
import { ConversationId } from './schemas/conversation.js';

describe('conversation ids', () => {
  it('name each channel type with its NIM prefix, both ways', () => {
    const refs: Array<[string, ChannelRef]> = [
      ['p2p|bob', { channelId: 'bob', channelType: ChannelType.Person }],
      ['team|g1', { channelId: 'g1', channelType: ChannelType.Group }],
      ['super_team|g2', { channelId: 'g2', channelType: ChannelType.SuperGroup }],
      ['system|alice', { channelId: 'alice', channelType: ChannelType.System }],
    ];
    for (const [id, ref] of refs) {
      expect(parseConversationId(id)).toEqual(ref);
      expect(formatConversationId(ref)).toBe(id);
    }
  });

  it('refuse what names no channel: no bar, an unknown prefix, a bad channel id, a second bar', () => {
    const bad = ['bob', '|bob', 'p2p|', 'P2P|bob', 'group|g1', 'p2p|b b', 'p2p|a|b', `p2p|${'x'.repeat(65)}`, 'p2p bob'];
    for (const id of bad) expect(parseConversationId(id), id).toBeUndefined();
  });

  it("never take an inherited property for a prefix (Object.prototype's names)", () => {
    for (const id of ['constructor|x', 'toString|x', '__proto__|x', 'hasOwnProperty|x'])
      expect(parseConversationId(id), id).toBeUndefined();
  });

  it('format nothing for a channel type that does not exist', () => {
    expect(formatConversationId({ channelId: 'x', channelType: 9 as ChannelType })).toBeUndefined();
  });

  it('are one rule: the ConversationId schema accepts exactly what parseConversationId parses', () => {
    const samples = [
      'p2p|bob',
      'team|g1',
      'super_team|a.b@c',
      'system|alice',
      'bob',
      'p2p|',
      'p2p|a|b',
      'team|g 1',
      'toString|x',
      'p2p|bob\n',
    ];
    for (const id of samples) expect(Value.Check(ConversationId, id), JSON.stringify(id)).toBe(parseConversationId(id) !== undefined);
  });
});

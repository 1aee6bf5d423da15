import { type Static, Type } from 'typebox';
import { ChannelTypeSchema, Uid } from '../ids.js';
import { ConversationId } from './conversation.js';
import { Message } from './message.js';

/** Search text: no control characters (PostgreSQL text cannot even hold NUL). */
const SearchText = (maxLength: number, description: string, examples: string[]) =>
  Type.String({ minLength: 1, maxLength, pattern: '^[^\\u0000-\\u001f]+$', description, examples });

export const MessageSearchParams = Type.Object(
  {
    q: SearchText(
      200,
      'Every word must match: Latin (and other spaced) words as prefixes, case and accents aside; Chinese, Japanese and Korean text as written (北京 finds 我们去北京开会). At most 16 words.',
      ['北京', 'meeting notes'],
    ),
    conversationId: Type.Optional(ConversationId),
    fromUid: Type.Optional(Uid),
    before: Type.Optional(Type.Integer({ minimum: 0, description: 'Only messages sent before this time (ms, exclusive)' })),
    after: Type.Optional(Type.Integer({ minimum: 0, description: 'Only messages sent after this time (ms, exclusive)' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Default 20' })),
    cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: 'The previous page’s cursor' })),
  },
  { additionalProperties: false },
);
export type MessageSearchParams = Static<typeof MessageSearchParams>;

export const MessageSearchResult = Type.Object({
  messages: Type.Array(Message, { description: 'Newest first: only messages you may read now, as history shows them' }),
  cursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass it back for the next page; null: no more' }),
});
export type MessageSearchResult = Static<typeof MessageSearchResult>;

export const ConversationSearchParams = Type.Object(
  {
    q: SearchText(64, 'A peer uid or group id prefix, or part of a group name or peer name (case-insensitive)', ['bo']),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Default 20' })),
  },
  { additionalProperties: false },
);
export type ConversationSearchParams = Static<typeof ConversationSearchParams>;

export const ConversationMatch = Type.Object({
  conversationId: ConversationId,
  channelType: ChannelTypeSchema,
  channelId: Type.String({ description: 'As you see it: the peer uid for 1:1 chats' }),
  name: Type.String({ description: "The group's name or the peer's user name ('' when none)" }),
});
export type ConversationMatch = Static<typeof ConversationMatch>;

export const ConversationSearchResult = Type.Object({
  conversations: Type.Array(ConversationMatch, { description: 'Your listed conversations that match, most recent first' }),
});
export type ConversationSearchResult = Static<typeof ConversationSearchResult>;

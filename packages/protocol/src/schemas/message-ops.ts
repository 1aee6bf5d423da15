import { type Static, Type } from 'typebox';
import { ConversationRef, TargetRefFields } from './conversation.js';
import { Message, Payload } from './message.js';

export const MessageId = Type.String({ pattern: '^[0-9]{1,20}$', description: 'Decimal 64-bit message id' });
/** One reaction; no control characters (PostgreSQL text cannot even hold NUL). */
export const Emoji = Type.String({ minLength: 1, maxLength: 32, pattern: '^[^\\u0000-\\u001f]+$' });
const Direction = Type.Union([Type.Literal('up'), Type.Literal('down')]);

/** Easemob's "from the newest": a cursor of -1, null or ''. */
export const NewestCursor = [Type.Literal(''), Type.Literal(-1), Type.Null()] as const;

export const HistoryParams = Type.Object(
  {
    ...ConversationRef.properties,
    ...TargetRefFields,
    startSeq: Type.Optional(Type.Integer({ minimum: 0, description: '0 = from the newest' })),
    direction: Type.Optional(
      Type.Union([Type.Literal('up'), Type.Literal('down')], { description: 'up = older than startSeq (default), down = newer' }),
    ),
    contain: Type.Optional(Type.Boolean({ description: 'Include startSeq itself' })),
    around: Type.Optional(Type.Integer({ minimum: 1, description: 'Messages centred on this seq' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Default 20' })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, description: 'Easemob form of limit' })),
    cursor: Type.Optional(
      Type.Union([MessageId, ...NewestCursor], {
        description: "Easemob: continue from this messageId (excluded); '', -1 or null: from the newest",
      }),
    ),
    searchDirection: Type.Optional(Direction),
  },
  { additionalProperties: false },
);
export type HistoryParams = Static<typeof HistoryParams>;

export const DeletedPlaceholder = Type.Object(
  { messageSeq: Type.Integer(), deleted: Type.Literal(true) },
  { description: 'A seq you deleted for yourself' },
);

export const HistoryResult = Type.Object({
  messages: Type.Array(Type.Union([Message, DeletedPlaceholder]), { description: 'Ascending messageSeq' }),
  hasMoreBefore: Type.Boolean(),
  hasMoreAfter: Type.Boolean(),
  cursor: Type.Union([Type.String(), Type.Null()], { description: 'Easemob: the messageId to continue from in the same direction' }),
});
export type HistoryResult = Static<typeof HistoryResult>;

export const RemoveHistoryParams = Type.Object(
  {
    ...ConversationRef.properties,
    ...TargetRefFields,
    beforeTimestamp: Type.Optional(Type.Integer({ minimum: 0, description: 'Remove everything sent before this time (ms)' })),
    beforeTimeStamp: Type.Optional(
      Type.Integer({ minimum: 0, description: "Easemob's spelling of beforeTimestamp; give one of the two, not both" }),
    ),
    messageIds: Type.Optional(Type.Array(MessageId, { minItems: 1, maxItems: 50 })),
  },
  { additionalProperties: false },
);
export type RemoveHistoryParams = Static<typeof RemoveHistoryParams>;

export const MessageIdParams = Type.Object({ messageId: MessageId }, { additionalProperties: false });
export const EditParams = Type.Object({ messageId: MessageId, payload: Payload }, { additionalProperties: false });
export const ReactionParams = Type.Object({ messageId: MessageId, emoji: Emoji }, { additionalProperties: false });
export const ReceiptParams = Type.Object(
  { messageIds: Type.Array(MessageId, { minItems: 1, maxItems: 100 }) },
  { additionalProperties: false },
);
export const MessageResult = Type.Object({ message: Message });
export const ReceiptResult = Type.Object({ read: Type.Array(Type.String(), { description: 'messageIds newly marked read' }) });
export const RemoveHistoryResult = Type.Object({ removed: Type.Integer({ description: 'Messages removed for you' }) });

/** A stream chunk (POST /v1/messages/{messageId}/stream). */
export const StreamChunkBody = Type.Object(
  {
    chunkNo: Type.Integer({
      minimum: 1,
      maximum: 1_000_000,
      description: 'Chunks are numbered from 1 and applied in order: the last applied + 1 is applied, an applied one again changes nothing',
    }),
    delta: Type.String({ minLength: 1, description: 'Text appended to the message (at most PARLEY_STREAM_CHUNK_MAX_CHARS characters)' }),
  },
  { additionalProperties: false },
);
export type StreamChunkBody = Static<typeof StreamChunkBody>;

export const StreamChunkResult = Type.Object({
  messageId: Type.String(),
  chunkNo: Type.Integer({ description: 'The last chunk applied (the one sent, or a later one when it was a repeat)' }),
  applied: Type.Boolean({ description: 'false: this chunk was applied before; nothing changed' }),
});
export type StreamChunkResult = Static<typeof StreamChunkResult>;

/** Ends a stream (POST /v1/messages/{messageId}/stream/end). */
export const StreamEndBody = Type.Object(
  {
    status: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 32,
        pattern: '^[A-Za-z0-9_.-]+$',
        description: "How it ended, for the readers: 'done' (default), 'error', 'cancelled' or any word of the app's",
      }),
    ),
  },
  { additionalProperties: false },
);
export type StreamEndBody = Static<typeof StreamEndBody>;

/** The `message.stream` push: a chunk of a streamed message, as it comes. */
export const StreamPush = Type.Object({
  messageId: Type.String(),
  messageSeq: Type.Integer(),
  channelId: Type.String({ description: 'As the receiver sees it' }),
  channelType: Type.Integer(),
  chunkNo: Type.Integer(),
  delta: Type.String(),
});
export type StreamPush = Static<typeof StreamPush>;

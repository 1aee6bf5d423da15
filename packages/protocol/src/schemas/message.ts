import { type Static, Type } from 'typebox';
import { ChannelTypeSchema, Uid } from '../ids.js';

export const ContentType = {
  Text: 1,
  Image: 2,
  File: 3,
  Voice: 4,
  Video: 5,
  Location: 6,
  /**
   * What a message of an erased user shows (DELETE /v1/admin/users/{uid} with erase): the payload is
   * `{type: 999}` and nothing else. No client can send it (types below 1000 are Parley's own).
   */
  Erased: 999,
  /** 1000 and above: the app's own content, any JSON object. */
  CustomMin: 1000,
} as const;

export const Payload = Type.Object(
  {
    type: Type.Integer({
      minimum: 1,
      description:
        "The content type; 1 text, 2 image, 3 file, 4 voice, 5 video, 6 location, 999 erased (its sender's data was erased), 1000+ custom",
    }),
  },
  {
    additionalProperties: true,
    description: 'Message content; always carries `type` = contentType',
    examples: [{ type: 1, content: 'hello' }],
  },
);

export const MessageHeader = Type.Object(
  {
    noPersist: Type.Optional(Type.Boolean({ description: 'Deliver to online devices only; never stored' })),
    redDot: Type.Optional(Type.Boolean({ description: 'Counts toward unread (default true)' })),
    syncOnce: Type.Optional(
      Type.Boolean({
        description:
          "WuKongIM's 'sync once' (commands): stored before the ack and queued for every member (sender included) until " +
          'that user acknowledges it with message.ackOnce; never in history, never a lastMsg, never unread, no seq (0). ' +
          'Person, group and system channels only: refused with reason 20 to a super group and together with noPersist',
      }),
    ),
  },
  { additionalProperties: false },
);

export const MessageSetting = Type.Object(
  {
    receipt: Type.Optional(Type.Boolean({ description: 'Members report reads; the sender sees read counts' })),
    topic: Type.Optional(
      Type.Union([Type.Boolean(), Type.String({ maxLength: 128 })], {
        description: "WuKongIM's topic flag (true: a topic chat), or the topic's name; kept on the message as sent",
      }),
    ),
    stream: Type.Optional(
      Type.Boolean({ description: "WuKongIM's stream flag; kept on the message as sent (Parley gives it no meaning of its own)" }),
    ),
  },
  { additionalProperties: false, description: "WuKongIM's message Setting: receipt, topic and stream" },
);

export const ReplyRef = Type.Object(
  {
    messageId: Type.String({ pattern: '^[0-9]{1,20}$' }),
    messageSeq: Type.Integer({ minimum: 1 }),
    fromUid: Uid,
    preview: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const Mentions = Type.Object(
  { uids: Type.Array(Uid, { maxItems: 100 }), all: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

export const Entity = Type.Object(
  {
    type: Type.String({ maxLength: 32 }),
    offset: Type.Integer({ minimum: 0 }),
    length: Type.Integer({ minimum: 0 }),
    value: Type.Optional(Type.String({ maxLength: 2048 })),
  },
  { additionalProperties: false },
);

export const ClientMsgNo = Type.String({
  minLength: 1,
  maxLength: 64,
  // Control characters (NUL above all) cannot be stored by every backend.
  pattern: '^[^\\u0000-\\u001f]+$',
  description: "The client's own unique id; resending with the same one returns the first send's ack",
});

export const SendParams = Type.Object(
  {
    channelId: Type.String({ minLength: 1, maxLength: 64, description: 'Peer uid for a person channel, group id for groups' }),
    channelType: ChannelTypeSchema,
    clientMsgNo: ClientMsgNo,
    payload: Payload,
    header: Type.Optional(MessageHeader),
    setting: Type.Optional(MessageSetting),
    reply: Type.Optional(ReplyRef),
    mentions: Type.Optional(Mentions),
    entities: Type.Optional(Type.Array(Entity, { maxItems: 100 })),
    stream: Type.Optional(
      Type.Boolean({
        description:
          'Open a streamed text message (bots, LLM output): stored and acked now with the text given (may be ""), grown by ' +
          'POST /v1/messages/{messageId}/stream and closed by .../stream/end. Text (type 1) only; not with noPersist or syncOnce',
      }),
    ),
  },
  {
    additionalProperties: false,
    title: 'SendParams',
    description:
      "Params that break this schema in a way WuKongIM's reason table names are refused like a send, with the first " +
      'code that applies in this order (WebSocket: a SendAck; REST: message.refused): 21 clientMsgNo missing or empty ' +
      '(the ack\'s clientMsgNo is then ""), 23 channelType not 1..4, 9 payload not an object with an integer type, ' +
      '16 channelId missing or not 1-64 characters, 20 a header field the header does not have. Nothing is stored. ' +
      'Any other fault is request.invalid.',
  },
);
export type SendParams = Static<typeof SendParams>;

export const SendAck = Type.Object(
  {
    clientMsgNo: Type.String(),
    messageId: Type.String({ description: 'Decimal 64-bit id; "0" when refused' }),
    messageSeq: Type.Integer({ description: 'Per-channel sequence; 0 when refused or not persisted' }),
    timestamp: Type.Integer({ description: 'Server time, ms' }),
    reasonCode: Type.Integer({ description: '1 = success; otherwise the reason code of the refusal' }),
  },
  { title: 'SendAck', description: 'Also the answer to malformed params a reason code names (see SendParams); nothing is stored then' },
);
export type SendAck = Static<typeof SendAck>;

export const MessageExtra = Type.Object({
  revoked: Type.Boolean(),
  revoker: Type.Union([Type.String(), Type.Null()]),
  revokedAt: Type.Union([Type.Integer(), Type.Null()]),
  editedAt: Type.Union([Type.Integer(), Type.Null()]),
  editedPayload: Type.Union([Payload, Type.Null()]),
  readCount: Type.Integer(),
  unreadCount: Type.Integer(),
});

export const MessageStream = Type.Object(
  {
    streaming: Type.Boolean({ description: 'true until the sender (or the server, when idle) ends the stream' }),
    chunkNo: Type.Integer({ description: 'The last chunk applied to the text (0: none yet)' }),
    status: Type.Union([Type.String(), Type.Null()], {
      description: "How it ended: the sender's status (default 'done'), or 'timeout' when the server closed it idle; null while streaming",
    }),
  },
  { description: 'Only on streamed messages (sent with stream: true); payload.content is the text so far' },
);

export const Reaction = Type.Object({ emoji: Type.String(), uids: Type.Array(Uid), count: Type.Integer() });

export const Message = Type.Object(
  {
    messageId: Type.String(),
    messageSeq: Type.Integer(),
    clientMsgNo: Type.String(),
    fromUid: Type.String(),
    channelId: Type.String({ description: 'As the receiver sees it: the peer uid for person channels' }),
    channelType: ChannelTypeSchema,
    timestamp: Type.Integer(),
    contentType: Type.Integer(),
    payload: Payload,
    header: Type.Object({ noPersist: Type.Boolean(), redDot: Type.Boolean(), syncOnce: Type.Boolean() }),
    setting: MessageSetting,
    extra: MessageExtra,
    reactions: Type.Array(Reaction),
    reply: Type.Optional(ReplyRef),
    mentions: Type.Optional(Mentions),
    entities: Type.Optional(Type.Array(Entity)),
    stream: Type.Optional(MessageStream),
  },
  { title: 'Message' },
);
export type Message = Static<typeof Message>;
export type MessageHeader = Static<typeof MessageHeader>;
export type MessageSetting = Static<typeof MessageSetting>;
export type Payload = Static<typeof Payload>;
export type MessageStream = Static<typeof MessageStream>;

import { type Static, Type } from 'typebox';
import { CONVERSATION_ID_PATTERN, CONVERSATION_PREFIXES } from '../conversation-id.js';
import { ID_PATTERN } from '../ids.js';
import { Message } from './message.js';

export const ConversationId = Type.String({
  pattern: CONVERSATION_ID_PATTERN,
  description: 'As its owner names it: `p2p|<peerUid>`, `team|<groupId>`, `super_team|<groupId>`, `system|<your uid>`',
  examples: ['p2p|bob'],
});

/** A conversation is named by its id, or by the channel as the owner addresses it. */
const ConversationRefFields = {
  conversationId: Type.Optional(ConversationId),
  channelId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'With channelType, instead of conversationId' })),
  channelType: Type.Optional(Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3), Type.Literal(4)])),
};
export const ConversationRef = Type.Object(ConversationRefFields, { additionalProperties: false });
export type ConversationRef = Static<typeof ConversationRef>;

/** Easemob's kind of conversation: with a peer uid, or with a group of either kind (group or super group). */
export const chatTypeSchema = (description: string) =>
  Type.Union([Type.Literal('singleChat'), Type.Literal('groupChat')], {
    description: `${description}. 'singleChat': a peer uid; 'groupChat': a group or super group id (a group wins should both exist)`,
  });
export const ChatType = chatTypeSchema('Easemob chat type');
export type ChatType = Static<typeof ChatType>;

/** Easemob's way to name a conversation: the bare peer uid or group id, and the kind of chat. */
export const TargetRefFields = {
  targetId: Type.Optional(
    Type.String({ pattern: ID_PATTERN, description: 'Easemob: the peer uid or group id, instead of conversationId; with chatType' }),
  ),
  chatType: Type.Optional(chatTypeSchema("Easemob: with targetId; default 'singleChat'")),
};

export const Draft = Type.Object({
  text: Type.String(),
  ext: Type.String(),
  updatedAt: Type.Integer({ description: 'ms' }),
});

/** A label name: 1 to 64 characters, no control characters. */
export const LabelName = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[^\\u0000-\\u001f\\u007f]+$',
  description: 'A label: 1 to 64 characters, no control characters',
  examples: ['work'],
});

export const RevokeNotification = Type.Object({ messageId: Type.String(), revoker: Type.String(), revokedAt: Type.Integer() });

export const Conversation = Type.Object(
  {
    conversationId: Type.String(),
    channelId: Type.String({ description: 'As the owner names it: the peer uid for 1:1 chats' }),
    channelType: Type.Integer(),
    updateTime: Type.Integer({ description: 'ms: the last message, or the last ext/pin change while there is none' }),
    lastMsg: Type.Union([Message, Type.Null()]),
    lastMsgType: Type.Integer({ description: '0 normal, 1 the last message is a revoke notice' }),
    revokeNotification: Type.Union([RevokeNotification, Type.Null()]),
    ext: Type.String({ description: 'Private to the owner' }),
    isPinned: Type.Boolean(),
    pinnedTime: Type.Integer({ description: 'ms; 0 when not pinned' }),
    unreadCount: Type.Integer(),
    readSeq: Type.Integer(),
    lastMsgSeq: Type.Integer(),
    mentionedMe: Type.Boolean(),
    version: Type.Integer({ description: "The owner's change counter at this conversation's last change" }),
    recents: Type.Optional(Type.Array(Message, { description: 'The newest messages, oldest first (msgCount > 0)' })),
    isMuted: Type.Boolean({ description: 'Do not disturb, now (a timed mute ends by itself); unread still counts' }),
    mutedUntil: Type.Union([Type.Integer(), Type.Null()], {
      description: 'ms: the end of a timed mute; null when not muted or muted with no end',
    }),
    isArchived: Type.Boolean({ description: 'Out of the default list; listed with archived=true' }),
    labels: Type.Array(Type.String(), { description: "The owner's labels on it, sorted" }),
    draft: Type.Union([Draft, Type.Null()], { description: "The owner's unsent draft; cleared when the owner sends a message here" }),
  },
  { title: 'Conversation' },
);
export type Conversation = Static<typeof Conversation>;

export const ListParams = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'NIM form; default 100' })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, description: 'Easemob form; wins over limit' })),
    cursor: Type.Optional(Type.String({ maxLength: 512, description: 'Opaque keyset cursor from the previous page' })),
    minTimestamp: Type.Optional(Type.Integer({ minimum: 0, description: 'Only updateTime > minTimestamp' })),
    maxTimestamp: Type.Optional(Type.Integer({ minimum: 0, description: 'Only updateTime < maxTimestamp' })),
    needLastMsg: Type.Optional(
      Type.Union([Type.Boolean(), Type.Literal(0), Type.Literal(1)], { description: 'Default true; NIM passes 0 or 1' }),
    ),
    hasMore: Type.Optional(
      Type.Union([Type.Boolean(), Type.Literal(0), Type.Literal(1)], {
        description: 'NIM passes it; accepted and ignored (NIM documents it as unused). The answer has its own hasMore',
      }),
    ),
    msgCount: Type.Optional(Type.Integer({ minimum: 0, maximum: 20, description: 'Newest messages per conversation, as recents' })),
    archived: Type.Optional(Type.Boolean({ description: 'true: the archived conversations only; default false: the others' })),
    label: Type.Optional(LabelName),
  },
  {
    additionalProperties: false,
    description:
      'conversation.listPinned takes the same params: it pages by pin time (newest pin first) with limit/pageSize and its own cursor; minTimestamp and maxTimestamp do not apply there',
  },
);
export type ListParams = Static<typeof ListParams>;

export const ListResult = Type.Object({
  conversations: Type.Array(Conversation),
  hasMore: Type.Boolean(),
  cursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass back for the next page; null at the end' }),
  syncToken: Type.Union([Type.String(), Type.Null()], {
    description: 'On a first page (no cursor): a sync token taken before reading, to catch every change made while paging',
  }),
});
export type ListResult = Static<typeof ListResult>;

export const GetParams = ConversationRef;
export const UpdateExtParams = Type.Object(
  {
    ...ConversationRefFields,
    // No NUL: PostgreSQL text cannot hold it.
    ext: Type.String({ pattern: '^[^\\u0000]*$', description: 'At most 1024 bytes (UTF-8), private to the owner' }),
  },
  { additionalProperties: false },
);
export const PinParams = Type.Object(
  {
    ...ConversationRefFields,
    conversationId: Type.Optional(
      Type.String({
        pattern: `^((${CONVERSATION_PREFIXES})\\|)?[A-Za-z0-9_.@-]{1,64}$`,
        description: 'As elsewhere (`p2p|bob`); with conversationType (Easemob), the bare peer uid or group id (`bob`)',
        examples: ['p2p|bob', 'bob'],
      }),
    ),
    conversationType: Type.Optional(chatTypeSchema('Easemob: says what a bare conversationId names')),
    isPinned: Type.Boolean(),
  },
  { additionalProperties: false },
);
export const MarkReadParams = Type.Object(
  { ...ConversationRefFields, seq: Type.Optional(Type.Integer({ minimum: 0, description: 'Read up to this seq; default the last' })) },
  { additionalProperties: false },
);
export const DeleteParams = Type.Object(
  {
    conversationIds: Type.Optional(Type.Array(ConversationId, { minItems: 1, maxItems: 100, description: 'NIM form: the ids to delete' })),
    channel: Type.Optional(
      Type.String({ pattern: ID_PATTERN, description: 'Easemob form: the one peer uid or group id to delete, with chatType' }),
    ),
    chatType: Type.Optional(chatTypeSchema("Easemob: with channel; default 'singleChat'")),
    deleteRoam: Type.Optional(Type.Boolean({ description: "Also clear the caller's history up to now" })),
  },
  { additionalProperties: false, description: 'Give exactly one of conversationIds and channel' },
);
export type DeleteParams = Static<typeof DeleteParams>;
export const DeleteResult = Type.Object({
  results: Type.Array(
    Type.Object({
      conversationId: Type.String(),
      ok: Type.Boolean(),
      version: Type.Optional(Type.Integer()),
      error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })),
    }),
  ),
});
export type DeleteResult = Static<typeof DeleteResult>;

export const Tombstone = Type.Object({ conversationId: Type.String(), deleted: Type.Literal(true), version: Type.Integer() });
export const SyncParams = Type.Object(
  {
    since: Type.Optional(Type.String({ maxLength: 512, description: 'The last syncToken; absent: start over (reset)' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: 'Changes per response, default 200' })),
  },
  { additionalProperties: false },
);
export const SyncResult = Type.Object({
  changes: Type.Array(Type.Union([Conversation, Tombstone])),
  syncToken: Type.String(),
  version: Type.Integer({ description: 'Your change counter as of syncToken: the next conversation.updated is this plus one' }),
  hasMore: Type.Boolean(),
  reset: Type.Boolean({ description: 'The token is unknown or too old: reload with conversation.list' }),
});
export type SyncResult = Static<typeof SyncResult>;

export const TotalUnreadResult = Type.Object({
  totalUnread: Type.Integer({ description: 'Unread over every conversation, muted ones included' }),
  unmutedUnread: Type.Integer({ description: 'The part of totalUnread in conversations not muted now' }),
});

const MuteFields = {
  muted: Type.Boolean(),
  until: Type.Optional(
    Type.Integer({
      minimum: 0,
      description: 'ms: the mute ends by itself then (must be in the future); absent: no end. Only with muted: true',
    }),
  ),
};
export const MuteBody = Type.Object(MuteFields, { additionalProperties: false });
export const MuteParams = Type.Object({ ...ConversationRefFields, ...MuteFields }, { additionalProperties: false });
export type MuteParams = Static<typeof MuteParams>;

const ArchiveFields = { archived: Type.Boolean() };
export const ArchiveBody = Type.Object(ArchiveFields, { additionalProperties: false });
export const ArchiveParams = Type.Object({ ...ConversationRefFields, ...ArchiveFields }, { additionalProperties: false });

const LabelsFields = {
  add: Type.Optional(Type.Array(LabelName, { maxItems: 100, description: 'Labels to add (per request; no cap on labels kept)' })),
  remove: Type.Optional(Type.Array(LabelName, { maxItems: 100, description: 'Labels to remove' })),
};
export const LabelsBody = Type.Object(LabelsFields, { additionalProperties: false });
export const LabelsParams = Type.Object({ ...ConversationRefFields, ...LabelsFields }, { additionalProperties: false });

const DraftFields = {
  // No NUL: PostgreSQL text cannot hold it.
  text: Type.String({ maxLength: 10000, pattern: '^[^\\u0000]*$', description: 'The draft; empty clears it' }),
  ext: Type.Optional(Type.String({ pattern: '^[^\\u0000]*$', description: 'At most 1024 bytes (UTF-8), private to the owner' })),
};
export const DraftBody = Type.Object(DraftFields, { additionalProperties: false });
export const DraftParams = Type.Object({ ...ConversationRefFields, ...DraftFields }, { additionalProperties: false });

export const LabelSummary = Type.Object({
  label: Type.String(),
  conversationCount: Type.Integer({ description: 'Listed conversations with the label, archived ones included' }),
  unreadCount: Type.Integer({ description: 'Unread summed over them' }),
  unmutedUnreadCount: Type.Integer({ description: 'The part of unreadCount in conversations not muted now' }),
});
export const LabelsResult = Type.Object({ labels: Type.Array(LabelSummary, { description: 'Every label of yours, by name' }) });
export type LabelsResult = Static<typeof LabelsResult>;

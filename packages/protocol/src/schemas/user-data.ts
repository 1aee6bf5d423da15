import { type Static, Type } from 'typebox';
import { ChannelTypeSchema } from '../ids.js';
import { User } from './admin.js';
import { Entity, Mentions, MessageSetting, Payload, ReplyRef } from './message.js';

/**
 * A user's data, exported and erased (GDPR and its peers): `GET /v1/admin/users/{uid}/export` and
 * `DELETE /v1/admin/users/{uid}` with `{erase: true}`.
 */

export const UserEraseBody = Type.Object(
  {
    erase: Type.Literal(true, {
      description:
        'Required: deleting a user always erases them (account, tokens, conversation state, files; their messages become erased placeholders)',
    }),
  },
  { additionalProperties: false, title: 'UserEraseBody' },
);
export type UserEraseBody = Static<typeof UserEraseBody>;

export const UserErasure = Type.Object(
  {
    uid: Type.String(),
    erasedAt: Type.Integer({ description: 'When the (last) erasure began, ms: tokens issued up to then are refused' }),
    finishedAt: Type.Integer({ description: 'When it finished, ms' }),
    messages: Type.Integer({ description: 'Messages this call replaced by erased placeholders (sync-once commands included)' }),
    groups: Type.Integer({ description: 'Groups this call took them out of' }),
    files: Type.Integer({ description: 'Uploaded files this call deleted' }),
  },
  {
    title: 'UserErasure',
    description: 'What an erasure did. Calling it again resumes an interrupted one and counts only what was left.',
  },
);
export type UserErasure = Static<typeof UserErasure>;

export const ExportedMessage = Type.Object(
  {
    channelType: ChannelTypeSchema,
    channelId: Type.String({ description: 'As the user names it: the peer uid for a 1:1 chat' }),
    messageSeq: Type.Integer({ description: '0 for a sync-once command (outside history)' }),
    messageId: Type.String(),
    clientMsgNo: Type.String(),
    timestamp: Type.Integer(),
    contentType: Type.Integer(),
    payload: Type.Union([Payload, Type.Object({ type: Type.Integer() })], {
      description: 'As shown now: the last edit applied; only {type} once revoked',
    }),
    editedAt: Type.Union([Type.Integer(), Type.Null()]),
    revokedAt: Type.Union([Type.Integer(), Type.Null()]),
    header: Type.Object({ noPersist: Type.Boolean(), redDot: Type.Boolean(), syncOnce: Type.Boolean() }),
    setting: MessageSetting,
    reply: Type.Optional(ReplyRef),
    mentions: Type.Optional(Mentions),
    entities: Type.Optional(Type.Array(Entity)),
  },
  { title: 'ExportedMessage' },
);

export const ExportedConversation = Type.Object(
  {
    conversationId: Type.String(),
    channelType: ChannelTypeSchema,
    channelId: Type.String(),
    updateTime: Type.Integer(),
    lastMsgSeq: Type.Integer(),
    readSeq: Type.Integer(),
    clearedUpToSeq: Type.Integer({ description: 'Their one-way clear: nothing at or below it is shown to them' }),
    deleted: Type.Boolean({ description: 'They deleted it (hidden until a newer message)' }),
    ext: Type.String(),
    pinnedTime: Type.Integer({ description: '0 = not pinned' }),
  },
  { title: 'ExportedConversation' },
);

export const UserExport = Type.Object(
  {
    uid: Type.String(),
    exportedAt: Type.Integer(),
    profile: User,
    blacklist: Type.Array(Type.String(), { description: 'Uids they blocked' }),
    groups: Type.Array(
      Type.Object({
        groupId: Type.String(),
        channelType: Type.Integer(),
        role: Type.Integer({ description: '0 member, 1 admin, 2 owner' }),
        mutedUntil: Type.Integer(),
        joinedAt: Type.Integer(),
      }),
    ),
    conversations: Type.Array(ExportedConversation),
    messages: Type.Array(ExportedMessage, { description: 'Every message they sent that is stored, by clientMsgNo' }),
    reactions: Type.Array(
      Type.Object({
        channelType: Type.Integer(),
        channelId: Type.String({ description: 'As the user names it' }),
        messageSeq: Type.Integer(),
        emoji: Type.String(),
        createdAt: Type.Integer(),
      }),
      { description: 'Reactions they made' },
    ),
    files: Type.Array(
      Type.Object({
        fileId: Type.String(),
        url: Type.String(),
        contentType: Type.String(),
        size: Type.Integer(),
        name: Type.String(),
        createdAt: Type.Integer(),
      }),
      { description: 'Files they uploaded (the records; each url downloads the bytes)' },
    ),
  },
  {
    title: 'UserExport',
    description:
      'One JSON document, streamed: read page by page from storage, never whole in memory. Not a snapshot: ' +
      'what changes while it streams may or may not be in it.',
  },
);
export type UserExport = Static<typeof UserExport>;
export type ExportedMessage = Static<typeof ExportedMessage>;
export type ExportedConversation = Static<typeof ExportedConversation>;

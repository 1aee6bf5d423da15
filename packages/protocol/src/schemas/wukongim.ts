import { type Static, Type } from 'typebox';
import { ID_PATTERN } from '../ids.js';

/*
 * WuKongIM's data-source endpoints under /v1/wukongim/, with WuKongIM's own JSON shapes (snake_case,
 * seconds, base64 payloads), so a WuKongIM app's provider callbacks only change their base URL. Each
 * is the same operation as its Parley twin. The uid a body names must be the caller's.
 */

const WkUid = (description: string) => Type.String({ pattern: ID_PATTERN, description: `${description}; must be the caller's uid` });
const WkChannelId = Type.String({ minLength: 1, maxLength: 64, description: 'The peer uid for a person channel, the group id otherwise' });
const WkChannelType = Type.Integer({ minimum: 1, maximum: 4, description: '1 person, 2 group, 3 super group, 4 system notices' });
const Flag = Type.Union([Type.Literal(0), Type.Literal(1)]);

export const WkMessageHeader = Type.Object(
  { no_persist: Type.Optional(Flag), red_dot: Type.Optional(Flag), sync_once: Type.Optional(Flag) },
  { additionalProperties: false },
);

/**
 * WuKongIM's message extra (what changed on a message after it was sent), as its apps' `Convert`
 * turns it into the SDK's `MessageExtra`. `extra_version` is the time of the last revoke or edit in
 * ms: extras are synced past the largest one a client has.
 */
export const WkMessageExtra = Type.Object(
  {
    message_id: Type.Integer({ description: 'May lose precision in JavaScript: read message_idstr' }),
    message_idstr: Type.String(),
    message_seq: Type.Integer(),
    channel_id: Type.String({ description: 'As the caller names it: the peer uid for person channels' }),
    channel_type: Type.Integer(),
    revoke: Flag,
    revoker: Type.String({ description: "Who revoked it ('' if not revoked)" }),
    content_edit: Type.Optional(
      Type.Object(
        { type: Type.Integer() },
        { additionalProperties: true, description: 'The edited content JSON ({type, content, ...}); absent if never edited, or revoked' },
      ),
    ),
    edited_at: Type.Integer({ description: 'Seconds; 0 if not edited (or revoked since)' }),
    readed_count: Type.Integer({ description: 'Members who reported reading it (receipt messages)' }),
    unread_count: Type.Integer(),
    is_mutual_deleted: Flag,
    extra_version: Type.Integer({ description: 'ms of the last revoke or edit' }),
  },
  { title: 'WkMessageExtra' },
);
export type WkMessageExtra = Static<typeof WkMessageExtra>;

export const WkMessage = Type.Object(
  {
    header: Type.Object({ no_persist: Flag, red_dot: Flag, sync_once: Flag }),
    setting: Type.Integer({ description: 'receipt 1<<7, topic 1<<3' }),
    message_id: Type.Integer({ description: 'May lose precision in JavaScript: read message_idstr' }),
    message_idstr: Type.String(),
    client_msg_no: Type.String(),
    message_seq: Type.Integer(),
    from_uid: Type.String(),
    channel_id: Type.String({ description: 'As the caller names it: the peer uid for person channels' }),
    channel_type: Type.Integer(),
    timestamp: Type.Integer({ description: 'Seconds' }),
    payload: Type.String({ description: 'base64 of the content JSON ({type, content, mention, reply, ...})' }),
    is_deleted: Flag,
    revoke: Flag,
    message_extra: Type.Optional(WkMessageExtra),
  },
  { title: 'WkMessage' },
);
export type WkMessage = Static<typeof WkMessage>;

export const WkConversationSyncParams = Type.Object(
  {
    uid: WkUid('The caller'),
    version: Type.Optional(Type.Integer({ minimum: 0, description: '> 0: recents start after the read position' })),
    last_msg_seqs: Type.Optional(
      Type.String({ maxLength: 65_536, description: '`channelID:channelType:lastMsgSeq` joined by `|`: only newer messages of those' }),
    ),
    msg_count: Type.Optional(Type.Integer({ minimum: 0, description: 'Recent messages per conversation (at most 20 are given)' })),
    only_unread: Type.Optional(Flag),
    exclude_channel_types: Type.Optional(Type.Array(Type.Integer(), { maxItems: 16 })),
    page: Type.Optional(Type.Integer({ minimum: 0 })),
    page_size: Type.Optional(Type.Integer({ minimum: 0 })),
    larges: Type.Optional(
      Type.Array(Type.Unknown(), { maxItems: 1000, description: 'Accepted and ignored: unread is exact for every group' }),
    ),
  },
  { additionalProperties: false, title: 'WkConversationSyncParams' },
);
export type WkConversationSyncParams = Static<typeof WkConversationSyncParams>;

export const WkConversation = Type.Object(
  {
    channel_id: Type.String(),
    channel_type: Type.Integer(),
    unread: Type.Integer(),
    timestamp: Type.Integer({ description: 'Seconds, of the last message' }),
    last_msg_seq: Type.Integer(),
    last_client_msg_no: Type.String(),
    offset_msg_seq: Type.Integer(),
    readed_to_msg_seq: Type.Integer(),
    version: Type.Integer({ description: 'ms of the last change' }),
    recents: Type.Array(WkMessage, { description: 'Newest first' }),
  },
  { title: 'WkConversation' },
);
export const WkConversationSyncResult = Type.Array(WkConversation, { description: 'A bare array, as WuKongIM answers' });

export const WkMessageSyncParams = Type.Object(
  {
    login_uid: WkUid('The caller'),
    channel_id: WkChannelId,
    channel_type: WkChannelType,
    start_message_seq: Type.Optional(Type.Integer({ minimum: 0 })),
    end_message_seq: Type.Optional(Type.Integer({ minimum: 0 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, description: 'Default 30; at most 100 are given' })),
    pull_mode: Type.Optional(
      Type.Union([Type.Literal(0), Type.Literal(1)], { description: '0 older (seq <= start, > end), 1 newer (seq >= start, < end)' }),
    ),
    event_summary_mode: Type.Optional(Type.String({ maxLength: 16 })),
  },
  { additionalProperties: false, title: 'WkMessageSyncParams' },
);
export type WkMessageSyncParams = Static<typeof WkMessageSyncParams>;

export const WkMessageSyncResult = Type.Object({
  start_message_seq: Type.Integer(),
  end_message_seq: Type.Integer(),
  more: Flag,
  messages: Type.Array(WkMessage, { description: 'Ascending message_seq' }),
});

export const WkMessageExtraSyncParams = Type.Object(
  {
    login_uid: WkUid('The caller'),
    channel_id: WkChannelId,
    channel_type: WkChannelType,
    extra_version: Type.Optional(Type.Integer({ minimum: 0, description: 'The largest extra_version the client has; 0 for all' })),
    limit: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Default 100; at most 100 are given (more when the last ones share a version)' }),
    ),
    source: Type.Optional(Type.String({ maxLength: 64, description: 'Accepted and ignored' })),
  },
  { additionalProperties: false, title: 'WkMessageExtraSyncParams' },
);
export type WkMessageExtraSyncParams = Static<typeof WkMessageExtraSyncParams>;

export const WkMessageExtraSyncResult = Type.Array(WkMessageExtra, {
  description: 'A bare array, ascending extra_version: the caller visible messages revoked or edited after extra_version',
});

const WkChannelRef = {
  uid: WkUid('The caller'),
  channel_id: WkChannelId,
  channel_type: WkChannelType,
};

export const WkSetUnreadParams = Type.Object(
  {
    ...WkChannelRef,
    unread: Type.Integer({ minimum: 0, description: 'Read up to last_msg_seq - unread (read positions only move forward)' }),
  },
  { additionalProperties: false, title: 'WkSetUnreadParams' },
);
export type WkSetUnreadParams = Static<typeof WkSetUnreadParams>;

export const WkClearUnreadParams = Type.Object(
  {
    ...WkChannelRef,
    message_seq: Type.Optional(Type.Integer({ minimum: 0, description: 'Accepted and ignored: reads to the last message' })),
  },
  { additionalProperties: false, title: 'WkClearUnreadParams' },
);
export type WkClearUnreadParams = Static<typeof WkClearUnreadParams>;

export const WkDeleteConversationParams = Type.Object(WkChannelRef, { additionalProperties: false, title: 'WkDeleteConversationParams' });
export type WkDeleteConversationParams = Static<typeof WkDeleteConversationParams>;

export const WkMessageSendParams = Type.Object(
  {
    header: Type.Optional(WkMessageHeader),
    setting: Type.Optional(Type.Integer({ minimum: 0, maximum: 255 })),
    from_uid: WkUid('The sender'),
    channel_id: WkChannelId,
    channel_type: WkChannelType,
    client_msg_no: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    payload: Type.String({ maxLength: 1_000_000, description: 'base64 of the content JSON, with an integer `type`' }),
  },
  { additionalProperties: false, title: 'WkMessageSendParams' },
);
export type WkMessageSendParams = Static<typeof WkMessageSendParams>;

export const WkMessageSendResult = Type.Object({
  message_id: Type.Integer(),
  message_idstr: Type.String(),
  message_seq: Type.Integer(),
  client_msg_no: Type.String(),
});

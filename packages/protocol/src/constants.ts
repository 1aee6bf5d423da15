/**
 * Plain constants, importable without the schemas (`@parley/protocol/constants`): what a browser
 * bundle needs at run time is only these.
 */

import type { Message } from './schemas/message.js';

/** WebSocket close codes the server uses, beyond the standard ones. */
export const CloseCode = {
  AuthFailed: 4001,
  AuthTimeout: 4002,
  TokenExpired: 4003,
  SlowConsumer: 4008,
  Idle: 4009,
  Kicked: 4010,
  /** The user was banned through the admin API: every connection closes, and reconnecting is refused until unbanned. */
  Banned: 4011,
  /** A newer login of the same user with the same deviceFlag took its place (PARLEY_SINGLE_DEVICE_FLAGS): the SDK stops reconnecting. */
  Replaced: 4012,
  ShuttingDown: 1001,
} as const;

export const EventName = {
  MessageNew: 'message.new',
  MessageUpdated: 'message.updated',
  /** A chunk of a streamed message (`stream: true`): append `delta` to the text; its end comes as `message.updated`. */
  MessageStream: 'message.stream',
  ConversationUpdated: 'conversation.updated',
  ConversationDeleted: 'conversation.deleted',
  PinnedConversation: 'multiDevice.pinnedConversation',
  UnpinnedConversation: 'multiDevice.unpinnedConversation',
  DeleteRoaming: 'multiDevice.deleteRoaming',
  /** The server may have lost events for this connection (its bus reconnected): pull conversations and history. */
  SyncRequired: 'sync.required',
  /** A user this connection follows (`presence.subscribe`) came online or went offline. */
  PresenceChanged: 'presence.changed',
  /** Someone in one of your chats is typing (`typing.start`), or stopped. */
  Typing: 'typing',
  /** This connection is about to be closed: a newer login replaced it, or the app's server signed it out. */
  SessionKicked: 'session.kicked',
  /** A user this connection follows (presence.subscribe) changed their name or avatar. */
  UserUpdated: 'user.updated',
} as const;

/**
 * A notice the server posts into a group as the member who acted (today: the development group
 * actions): custom content type 1000 with `{kind: 'parley.notice', text}`, sent with `redDot: false`
 * so it never counts as unread. A client shows `text` as a centred line rather than a bubble.
 */
export const Notice = { contentType: 1000, kind: 'parley.notice' } as const;

/** A message's `extra` before anything happened to it: not revoked, edited or read. Copy it to change it. */
export const UNTOUCHED_EXTRA: Readonly<Message['extra']> = Object.freeze({
  revoked: false,
  revoker: null,
  revokedAt: null,
  editedAt: null,
  editedPayload: null,
  readCount: 0,
  unreadCount: 0,
});

export type { ErrorCode } from './error-catalogue.js';
export { isRetryable, isRetryableReason } from './retry.js';

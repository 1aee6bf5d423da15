import {
  AckOnceParams,
  AckOnceResult,
  ArchiveParams,
  Conversation,
  ConversationRef,
  ConversationSearchParams,
  ConversationSearchResult,
  DeleteParams,
  DeleteResult,
  DraftParams,
  EditParams,
  HistoryParams,
  HistoryResult,
  LabelsParams,
  LabelsResult,
  ListParams,
  ListResult,
  MarkReadParams,
  MessageIdParams,
  MessageResult,
  MessageSearchParams,
  MessageSearchResult,
  MuteParams,
  PinParams,
  PresenceSubscribeResult,
  PresenceUids,
  PresenceUnsubscribeResult,
  ProfilesQuery,
  ProfilesResult,
  ReactionParams,
  ReceiptParams,
  ReceiptResult,
  RemoveHistoryParams,
  RemoveHistoryResult,
  SendAck,
  SendParams,
  SyncOnceParams,
  SyncOnceResult,
  SyncParams,
  SyncResult,
  TotalUnreadResult,
  TypingParams,
  TypingResult,
  UpdateExtParams,
} from '@parley/protocol';
import { type Static, type TSchema, Type } from 'typebox';
import type { AppContext } from '../../app-context.js';
import type { Recipient } from '../../domain/delivery/recipient.js';
import { echoedClientMsgNo, invalidSendReason } from '../shared/send-validation.js';

export interface Caller {
  uid: string;
  connectionId: string;
  /** The connection itself, for what lasts as long as it does (presence subscriptions). */
  connection: Recipient;
}

export interface Method<S extends TSchema = TSchema> {
  params: S;
  result: TSchema;
  summary: string;
  handle(ctx: AppContext, caller: Caller, params: Static<S>): Promise<unknown>;
  /** The result to answer params that fail the schema with, instead of `request.invalid` (undefined: the error). */
  answerInvalid?(ctx: AppContext, params: unknown): unknown;
}

const method = <S extends TSchema>(m: Method<S>): Method => m as unknown as Method;

/**
 * Every client operation on the WebSocket, with the same params as its REST twin.
 * The schemas here validate frames and document them on /docs.
 */
export const methods: Record<string, Method> = {
  'message.send': method({
    params: SendParams,
    result: SendAck,
    summary: 'Send a message; the result is the ack (reasonCode 1 = stored)',
    handle: (ctx, caller, params) => ctx.messages.send({ uid: caller.uid, origin: caller.connectionId }, params),
    // A malformed send is a refused ack with the seed's reason code where one fits, as WuKongIM answers.
    answerInvalid: (ctx, params) => {
      const reason = invalidSendReason(params, SendParams);
      return reason === undefined ? undefined : ctx.messages.refuse(echoedClientMsgNo(params), reason);
    },
  }),
  'conversation.list': method({
    params: ListParams,
    result: ListResult,
    summary: 'Conversations newest first, by keyset cursor (Easemob) or min/maxTimestamp (NIM)',
    handle: (ctx, caller, params) => ctx.conversations.list(caller.uid, params),
  }),
  'conversation.listPinned': method({
    params: ListParams,
    result: ListResult,
    summary: 'Pinned conversations, newest pin first, paged by limit/pageSize and cursor',
    handle: (ctx, caller, params) => ctx.conversations.listPinned(caller.uid, params),
  }),
  'conversation.get': method({
    params: ConversationRef,
    result: Conversation,
    summary: 'One conversation, or conversation.not_found',
    handle: (ctx, caller, params) => ctx.conversations.get(caller.uid, params),
  }),
  'conversation.updateExt': method({
    params: UpdateExtParams,
    result: Conversation,
    summary: "Set the conversation's private ext (creates the conversation if needed)",
    handle: (ctx, caller, { ext, ...ref }) => ctx.conversations.updateExt(caller.uid, ref, ext),
  }),
  'conversation.pin': method({
    params: PinParams,
    result: Conversation,
    summary: 'Pin or unpin (idempotent; at most maxPinned); Easemob: a bare conversationId with conversationType',
    handle: (ctx, caller, { isPinned, ...ref }) => ctx.conversations.pin(caller.uid, ref, isPinned),
  }),
  'conversation.mute': method({
    params: MuteParams,
    result: Conversation,
    summary: 'Mute (until a time, or with no end) or unmute; unread still counts',
    handle: (ctx, caller, { muted, until, ...ref }) => ctx.conversations.mute(caller.uid, ref, muted, until),
  }),
  'conversation.archive': method({
    params: ArchiveParams,
    result: Conversation,
    summary: 'Archive or unarchive; a new message brings an archived conversation back unless it is muted',
    handle: (ctx, caller, { archived, ...ref }) => ctx.conversations.archive(caller.uid, ref, archived),
  }),
  'conversation.updateLabels': method({
    params: LabelsParams,
    result: Conversation,
    summary: 'Add then remove labels (1..64 characters each)',
    handle: (ctx, caller, { add, remove, ...ref }) => ctx.conversations.updateLabels(caller.uid, ref, add, remove),
  }),
  'conversation.updateDraft': method({
    params: DraftParams,
    result: Conversation,
    summary: 'Set the draft (empty text clears it); a draft lists the conversation; your next message there clears it',
    handle: (ctx, caller, { text, ext, ...ref }) => ctx.conversations.updateDraft(caller.uid, ref, text, ext),
  }),
  'conversation.listLabels': method({
    params: Type.Object({}, { additionalProperties: false }),
    result: LabelsResult,
    summary: 'Every label with its conversation count and unread, exact',
    handle: (ctx, caller) => ctx.conversations.listLabels(caller.uid),
  }),
  'conversation.markRead': method({
    params: MarkReadParams,
    result: Conversation,
    summary: 'Read up to seq (default the last); read positions only move forward',
    handle: (ctx, caller, { seq, ...ref }) => ctx.conversations.markRead(caller.uid, ref, seq),
  }),
  'conversation.delete': method({
    params: DeleteParams,
    result: DeleteResult,
    summary:
      'Hide conversations (conversationIds, or Easemob channel + chatType) until a newer message (deleteRoam: also clear history); per-id results',
    handle: (ctx, caller, params) => ctx.conversations.delete(caller.uid, params),
  }),
  'conversation.sync': method({
    params: SyncParams,
    result: SyncResult,
    summary: 'Changes since a sync token: conversations and tombstones',
    handle: (ctx, caller, params) => ctx.conversations.sync(caller.uid, params.since, params.limit),
  }),
  'conversation.totalUnread': method({
    params: Type.Object({}, { additionalProperties: false }),
    result: TotalUnreadResult,
    summary: 'Unread over all conversations, and its part in conversations not muted',
    handle: (ctx, caller) => ctx.conversations.unreadTotals(caller.uid),
  }),
  'message.history': method({
    params: HistoryParams,
    result: HistoryResult,
    summary: 'History of a conversation within your visible window, ascending; placeholders for seqs you deleted',
    handle: (ctx, caller, params) => ctx.messageActions.history(caller.uid, params),
  }),
  'message.search': method({
    params: MessageSearchParams,
    result: MessageSearchResult,
    summary: 'Full-text search over what you may read, newest first, paged by cursor',
    handle: (ctx, caller, params) => ctx.search.messages(caller.uid, params),
  }),
  'conversation.search': method({
    params: ConversationSearchParams,
    result: ConversationSearchResult,
    summary: 'Your listed conversations by peer uid or group id prefix, or part of a name',
    handle: (ctx, caller, params) => ctx.search.conversations(caller.uid, params),
  }),
  'message.removeHistory': method({
    params: RemoveHistoryParams,
    result: RemoveHistoryResult,
    summary: 'Delete for yourself: up to 50 messageIds, or everything before beforeTimestamp',
    handle: (ctx, caller, params) => ctx.messageActions.removeHistory(caller.uid, params, caller.connectionId),
  }),
  'message.revoke': method({
    params: MessageIdParams,
    result: MessageResult,
    summary: 'Revoke: the sender within the window, or a group owner/admin at any time',
    handle: async (ctx, caller, params) => ({ message: await ctx.messageActions.revoke(caller.uid, params.messageId) }),
  }),
  'message.edit': method({
    params: EditParams,
    result: MessageResult,
    summary: 'Edit your text or custom message (same type), at most 10 times',
    handle: async (ctx, caller, params) => ({ message: await ctx.messageActions.edit(caller.uid, params.messageId, params.payload) }),
  }),
  'message.addReaction': method({
    params: ReactionParams,
    result: MessageResult,
    summary: 'React with an emoji (at most 20 different per message)',
    handle: async (ctx, caller, params) => ({ message: await ctx.messageActions.react(caller.uid, params.messageId, params.emoji, true) }),
  }),
  'message.removeReaction': method({
    params: ReactionParams,
    result: MessageResult,
    summary: 'Take your reaction back',
    handle: async (ctx, caller, params) => ({ message: await ctx.messageActions.react(caller.uid, params.messageId, params.emoji, false) }),
  }),
  'message.readReceipt': method({
    params: ReceiptParams,
    result: ReceiptResult,
    summary: 'Report reading messages sent with setting.receipt; their senders see readCount',
    handle: (ctx, caller, params) => ctx.messageActions.markReceipts(caller.uid, params.messageIds),
  }),
  'message.syncOnce': method({
    params: SyncOnceParams,
    result: SyncOnceResult,
    summary: 'Messages sent with header.syncOnce that wait for you, oldest first; they stay until message.ackOnce',
    handle: (ctx, caller, params) => ctx.syncOnce.pending(caller.uid, params.limit),
  }),
  'message.ackOnce': method({
    params: AckOnceParams,
    result: AckOnceResult,
    summary: 'You have these syncOnce messages: remove them for you, on every device (idempotent)',
    handle: (ctx, caller, params) => ctx.syncOnce.ack(caller.uid, params.messageIds),
  }),
  'presence.subscribe': method({
    params: PresenceUids,
    result: PresenceSubscribeResult,
    summary: 'Follow these users: their current state now, presence.changed pushes on this connection until it closes',
    handle: async (ctx, caller, params) => ({ users: await ctx.presence.subscribe(caller.connection, params.uids) }),
  }),
  'presence.unsubscribe': method({
    params: PresenceUids,
    result: PresenceUnsubscribeResult,
    summary: 'Stop following these users on this connection',
    handle: async (ctx, caller, params) => ({ subscribed: ctx.presence.unsubscribe(caller.connection, params.uids) }),
  }),
  'user.profiles': method({
    params: ProfilesQuery,
    result: ProfilesResult,
    summary: 'Names and avatars of up to 100 users you may see (as POST /v1/users/batch)',
    handle: async (ctx, caller, params) => ({
      users: await ctx.users.profiles(caller.uid, params.uids, ctx.config.profilesVisible === 'all'),
    }),
  }),
  'typing.start': method({
    params: TypingParams,
    result: TypingResult,
    summary: 'You are typing in this chat: its other members online now get a typing push (repeat every few seconds while typing)',
    handle: async (ctx, caller, params) => ({ forwarded: await ctx.typing.start(caller.uid, params) }),
  }),
  'typing.stop': method({
    params: TypingParams,
    result: TypingResult,
    summary: 'You stopped typing: the others clear it at once (it also expires by itself)',
    handle: async (ctx, caller, params) => ({ forwarded: await ctx.typing.stop(caller.uid, params) }),
  }),
  ping: method({
    params: Type.Object({}, { additionalProperties: false }),
    result: Type.Object({ pong: Type.Integer({ description: 'Server time, ms' }) }),
    summary: 'Application-level heartbeat for clients that cannot see WebSocket pings (browsers)',
    handle: async () => ({ pong: Date.now() }),
  }),
};

/**
 * The method a frame names, looked up as an own property only: a name such as `toString` or
 * `__proto__` must be an unknown method, not something inherited from Object.prototype.
 */
export function findMethod(name: string): Method | undefined {
  return Object.hasOwn(methods, name) ? methods[name] : undefined;
}

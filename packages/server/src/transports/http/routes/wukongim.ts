import {
  ErrorBody,
  formatConversationId,
  ParleyError,
  WkClearUnreadParams,
  WkConversationSyncParams,
  WkConversationSyncResult,
  WkDeleteConversationParams,
  WkMessageExtraSyncParams,
  WkMessageExtraSyncResult,
  WkMessageSendParams,
  WkMessageSendResult,
  WkMessageSyncParams,
  WkMessageSyncResult,
  WkSetUnreadParams,
} from '@parley/protocol';
import { Type } from 'typebox';
import { conversationSync } from '../../wukongim/http/conversation-sync.js';
import { messageExtraSync } from '../../wukongim/http/message-extra-sync.js';
import { messageSend } from '../../wukongim/http/message-send.js';
import { messageSync } from '../../wukongim/http/message-sync.js';
import type { Routes } from '../routes.js';

const errors = { '4xx': ErrorBody };
/** WuKongIM answers these with no body; we answer `null`, which its clients ignore alike. */
const Done = Type.Null({ description: 'Success' });
const tags = { tags: ['wukongim'], security: [{ bearer: [] }] };

/** WuKongIM's bodies name the user; on Parley the token does, and the two must agree. */
function requireCaller(caller: string, named: string): void {
  if (named !== caller) throw new ParleyError('wukongim.uid_mismatch', `The body names ${named}; the token is ${caller}'s`);
}

const refOf = (p: { channel_id: string; channel_type: number }) => ({
  channelId: p.channel_id,
  channelType: p.channel_type as 1 | 2 | 3 | 4,
});

/**
 * WuKongIM's data-source endpoints (the ones its demo app's provider callbacks call), each the same
 * operation as its Parley twin; see docs/wukongim.md. The three that change read state answer 200
 * with the body `null` (WuKongIM's answer no body at all).
 */
export const wukongimRoutes: Routes = (app, ctx) => {
  app.post(
    '/v1/wukongim/conversation/sync',
    {
      schema: {
        ...tags,
        summary: 'WuKongIM: conversations with recents (conversation.list)',
        body: WkConversationSyncParams,
        response: { 200: WkConversationSyncResult, ...errors },
      },
    },
    async (req) => {
      requireCaller(req.uid, req.body.uid);
      return conversationSync(ctx, req.uid, req.body);
    },
  );
  app.post(
    '/v1/wukongim/channel/messagesync',
    {
      schema: {
        ...tags,
        summary: 'WuKongIM: a page of history (message.history)',
        body: WkMessageSyncParams,
        response: { 200: WkMessageSyncResult, ...errors },
      },
    },
    async (req) => {
      requireCaller(req.uid, req.body.login_uid);
      return messageSync(ctx, req.uid, req.body);
    },
  );
  app.post(
    '/v1/wukongim/message/extra/sync',
    {
      schema: {
        ...tags,
        summary: 'WuKongIM: message extras (revokes, edits) changed after extra_version',
        body: WkMessageExtraSyncParams,
        response: { 200: WkMessageExtraSyncResult, ...errors },
      },
    },
    async (req) => {
      requireCaller(req.uid, req.body.login_uid);
      return messageExtraSync(ctx, req.uid, req.body);
    },
  );
  app.post(
    '/v1/wukongim/conversations/setUnread',
    {
      schema: {
        ...tags,
        summary: 'WuKongIM: read up to last_msg_seq - unread (conversation.markRead)',
        body: WkSetUnreadParams,
        response: { 200: Done, ...errors },
      },
    },
    async (req) => {
      requireCaller(req.uid, req.body.uid);
      const ref = refOf(req.body);
      const conversation = await ctx.conversations.get(req.uid, ref);
      await ctx.conversations.markRead(req.uid, ref, Math.max(0, conversation.lastMsgSeq - req.body.unread));
      return null;
    },
  );
  app.post(
    '/v1/wukongim/conversations/clearUnread',
    {
      schema: {
        ...tags,
        summary: 'WuKongIM: read to the last message (conversation.markRead)',
        body: WkClearUnreadParams,
        response: { 200: Done, ...errors },
      },
    },
    async (req) => {
      requireCaller(req.uid, req.body.uid);
      await ctx.conversations.markRead(req.uid, refOf(req.body));
      return null;
    },
  );
  app.post(
    '/v1/wukongim/conversations/delete',
    {
      schema: {
        ...tags,
        summary: 'WuKongIM: hide until a newer message (conversation.delete)',
        body: WkDeleteConversationParams,
        response: { 200: Done, ...errors },
      },
    },
    async (req) => {
      requireCaller(req.uid, req.body.uid);
      const conversationId = formatConversationId(refOf(req.body)) as string;
      const [result] = (await ctx.conversations.delete(req.uid, { conversationIds: [conversationId] })).results;
      if (result && !result.ok && result.error) throw new ParleyError(result.error.code as 'conversation.not_found', result.error.message);
      return null;
    },
  );
  app.post(
    '/v1/wukongim/message/send',
    {
      schema: {
        ...tags,
        summary: 'WuKongIM: send as the caller (message.send)',
        body: WkMessageSendParams,
        response: { 200: WkMessageSendResult, ...errors, '5xx': ErrorBody },
      },
    },
    async (req) => {
      requireCaller(req.uid, req.body.from_uid);
      return messageSend(ctx, req.uid, req.body);
    },
  );
};

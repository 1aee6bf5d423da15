import {
  Conversation,
  ConversationId,
  DeleteParams,
  DeleteResult,
  ErrorBody,
  ListParams,
  ListResult,
  SyncParams,
  SyncResult,
  TotalUnreadResult,
  UpdateExtParams,
} from '@parley/protocol';
import { Type } from 'typebox';
import type { Routes } from '../routes.js';

const Params = Type.Object({ conversationId: ConversationId });
const errors = { '4xx': ErrorBody };
const tags = { tags: ['conversations'], security: [{ bearer: [] }] };

/** The REST twins of the conversation.* WebSocket methods (same params, same results). */
export const conversationRoutes: Routes = (app, ctx) => {
  const c = ctx.conversations;
  app.get(
    '/v1/conversations',
    {
      schema: { ...tags, summary: 'conversation.list', querystring: ListParams, response: { 200: ListResult, ...errors } },
    },
    async (req) => c.list(req.uid, req.query),
  );
  app.get(
    '/v1/conversations/pinned',
    {
      schema: { ...tags, summary: 'conversation.listPinned', querystring: ListParams, response: { 200: ListResult, ...errors } },
    },
    async (req) => c.listPinned(req.uid, req.query),
  );
  app.get(
    '/v1/conversations/sync',
    {
      schema: { ...tags, summary: 'conversation.sync', querystring: SyncParams, response: { 200: SyncResult, ...errors } },
    },
    async (req) => c.sync(req.uid, req.query.since, req.query.limit),
  );
  app.get(
    '/v1/conversations/unread',
    { schema: { ...tags, summary: 'conversation.totalUnread', response: { 200: TotalUnreadResult, ...errors } } },
    async (req) => ({
      totalUnread: await c.totalUnread(req.uid),
    }),
  );
  app.post(
    '/v1/conversations/delete',
    {
      schema: { ...tags, summary: 'conversation.delete', body: DeleteParams, response: { 200: DeleteResult, ...errors } },
    },
    async (req) => c.delete(req.uid, req.body),
  );
  app.get(
    '/v1/conversations/:conversationId',
    {
      schema: {
        ...tags,
        summary: 'conversation.get (id URL-encoded, e.g. p2p%7Cbob)',
        params: Params,
        response: { 200: Conversation, ...errors },
      },
    },
    async (req) => c.get(req.uid, req.params),
  );
  app.put(
    '/v1/conversations/:conversationId/ext',
    {
      schema: {
        ...tags,
        summary: 'conversation.updateExt',
        params: Params,
        body: Type.Object({ ext: UpdateExtParams.properties.ext }, { additionalProperties: false }),
        response: { 200: Conversation, ...errors },
      },
    },
    async (req) => c.updateExt(req.uid, req.params, req.body.ext),
  );
  app.put(
    '/v1/conversations/:conversationId/pin',
    {
      schema: {
        ...tags,
        summary: 'conversation.pin',
        params: Params,
        body: Type.Object({ isPinned: Type.Boolean() }, { additionalProperties: false }),
        response: { 200: Conversation, ...errors },
      },
    },
    async (req) => c.pin(req.uid, req.params, req.body.isPinned),
  );
  app.post(
    '/v1/conversations/:conversationId/read',
    {
      schema: {
        ...tags,
        summary: 'conversation.markRead',
        params: Params,
        body: Type.Optional(Type.Object({ seq: Type.Optional(Type.Integer({ minimum: 0 })) }, { additionalProperties: false })),
        response: { 200: Conversation, ...errors },
      },
    },
    async (req) => c.markRead(req.uid, req.params, req.body?.seq),
  );
};

import {
  ArchiveBody,
  Conversation,
  ConversationId,
  DeleteParams,
  DeleteResult,
  DraftBody,
  ErrorBody,
  LabelsBody,
  LabelsResult,
  ListParams,
  ListResult,
  MuteBody,
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
    async (req) => c.unreadTotals(req.uid),
  );
  app.get(
    '/v1/conversation-labels',
    { schema: { ...tags, summary: 'conversation.listLabels', response: { 200: LabelsResult, ...errors } } },
    async (req) => c.listLabels(req.uid),
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
  app.put(
    '/v1/conversations/:conversationId/mute',
    {
      schema: { ...tags, summary: 'conversation.mute', params: Params, body: MuteBody, response: { 200: Conversation, ...errors } },
    },
    async (req) => c.mute(req.uid, req.params, req.body.muted, req.body.until),
  );
  app.put(
    '/v1/conversations/:conversationId/archive',
    {
      schema: { ...tags, summary: 'conversation.archive', params: Params, body: ArchiveBody, response: { 200: Conversation, ...errors } },
    },
    async (req) => c.archive(req.uid, req.params, req.body.archived),
  );
  app.put(
    '/v1/conversations/:conversationId/labels',
    {
      schema: {
        ...tags,
        summary: 'conversation.updateLabels',
        params: Params,
        body: LabelsBody,
        response: { 200: Conversation, ...errors },
      },
    },
    async (req) => c.updateLabels(req.uid, req.params, req.body.add, req.body.remove),
  );
  app.put(
    '/v1/conversations/:conversationId/draft',
    {
      schema: { ...tags, summary: 'conversation.updateDraft', params: Params, body: DraftBody, response: { 200: Conversation, ...errors } },
    },
    async (req) => c.updateDraft(req.uid, req.params, req.body.text, req.body.ext),
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

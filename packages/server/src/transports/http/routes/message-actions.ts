import {
  ConversationId,
  Emoji,
  ErrorBody,
  HistoryParams,
  HistoryResult,
  MessageId,
  MessageResult,
  Payload,
  ReceiptParams,
  ReceiptResult,
  RemoveHistoryParams,
  RemoveHistoryResult,
  StreamChunkBody,
  StreamChunkResult,
  StreamEndBody,
} from '@parley/protocol';
import { Type } from 'typebox';
import type { Routes } from '../routes.js';

/** On REST the path names the conversation, so the params that name one in the body or query are left out. */
function withoutRef<P extends Record<string, unknown>>(properties: P) {
  const { conversationId: _id, channelId: _c, channelType: _t, targetId: _target, chatType: _chat, ...rest } = properties;
  return rest;
}
const historyQuery = withoutRef(HistoryParams.properties);
const removeBody = withoutRef(RemoveHistoryParams.properties);
const InConversation = Type.Object({ conversationId: ConversationId });
const MessageIdPath = Type.Object({ messageId: MessageId });
const ReactionPath = Type.Object({ messageId: MessageId, emoji: Emoji });
const errors = { '4xx': ErrorBody };
const tags = { tags: ['messages'], security: [{ bearer: [] }] };

/** The REST twins of message.history, removeHistory, revoke, edit, reactions and receipts. */
export const messageActionRoutes: Routes = (app, ctx) => {
  const a = ctx.messageActions;
  app.get(
    '/v1/conversations/:conversationId/messages',
    {
      schema: {
        ...tags,
        summary: 'message.history',
        params: InConversation,
        querystring: Type.Object(historyQuery, { additionalProperties: false }),
        response: { 200: HistoryResult, ...errors },
      },
    },
    async (req) => a.history(req.uid, { ...req.query, conversationId: req.params.conversationId }),
  );
  app.post(
    '/v1/conversations/:conversationId/messages/remove',
    {
      schema: {
        ...tags,
        summary: 'message.removeHistory',
        params: InConversation,
        body: Type.Object(removeBody, { additionalProperties: false }),
        response: { 200: RemoveHistoryResult, ...errors },
      },
    },
    async (req) => a.removeHistory(req.uid, { ...req.body, conversationId: req.params.conversationId }),
  );
  app.post(
    '/v1/messages/:messageId/revoke',
    {
      schema: { ...tags, summary: 'message.revoke', params: MessageIdPath, response: { 200: MessageResult, ...errors } },
    },
    async (req) => ({
      message: await a.revoke(req.uid, req.params.messageId),
    }),
  );
  app.patch(
    '/v1/messages/:messageId',
    {
      schema: {
        ...tags,
        summary: 'message.edit',
        params: MessageIdPath,
        body: Type.Object({ payload: Payload }, { additionalProperties: false }),
        response: { 200: MessageResult, ...errors },
      },
    },
    async (req) => ({ message: await a.edit(req.uid, req.params.messageId, req.body.payload) }),
  );
  app.post(
    '/v1/messages/:messageId/stream',
    {
      schema: {
        ...tags,
        summary: 'Append a chunk to your streamed message',
        description:
          'Chunks apply in order, once each: chunkNo = the last applied + 1 is appended and pushed (`message.stream`); an applied chunkNo again answers `applied: false` and changes nothing; a later one is `stream.chunk_gap` with `details.expectedChunkNo`.',
        params: MessageIdPath,
        body: StreamChunkBody,
        response: { 200: StreamChunkResult, ...errors },
      },
    },
    async (req) => ctx.streams.append(req.uid, req.params.messageId, req.body.chunkNo, req.body.delta),
  );
  app.post(
    '/v1/messages/:messageId/stream/end',
    {
      schema: {
        ...tags,
        summary: 'End your streamed message',
        description: 'Pushes its final state as `message.updated` (`stream.streaming: false`). Ending it again answers it as it is.',
        params: MessageIdPath,
        body: StreamEndBody,
        response: { 200: MessageResult, ...errors },
      },
    },
    async (req) => ({ message: await ctx.streams.end(req.uid, req.params.messageId, req.body.status) }),
  );
  app.put(
    '/v1/messages/:messageId/reactions/:emoji',
    {
      schema: { ...tags, summary: 'Add a reaction', params: ReactionPath, response: { 200: MessageResult, ...errors } },
    },
    async (req) => ({
      message: await a.react(req.uid, req.params.messageId, req.params.emoji, true),
    }),
  );
  app.delete(
    '/v1/messages/:messageId/reactions/:emoji',
    {
      schema: { ...tags, summary: 'Remove your reaction', params: ReactionPath, response: { 200: MessageResult, ...errors } },
    },
    async (req) => ({ message: await a.react(req.uid, req.params.messageId, req.params.emoji, false) }),
  );
  app.post(
    '/v1/messages/read',
    {
      schema: { ...tags, summary: 'Read receipts', body: ReceiptParams, response: { 200: ReceiptResult, ...errors } },
    },
    async (req) => a.markReceipts(req.uid, req.body.messageIds),
  );
};

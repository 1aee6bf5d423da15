import { ConversationSearchParams, ConversationSearchResult, ErrorBody, MessageSearchParams, MessageSearchResult } from '@parley/protocol';
import type { Routes } from '../routes.js';

const tags = (tag: string) => ({ tags: [tag], security: [{ bearer: [] }] });

/** The REST twins of message.search and conversation.search. */
export const searchRoutes: Routes = (app, ctx) => {
  app.get(
    '/v1/messages/search',
    {
      schema: {
        ...tags('messages'),
        summary: 'message.search',
        description:
          'Full text over what you may read now (your windows, one-way deletes, revokes, edits and retention respected), newest first; Chinese and Japanese found without spaces.',
        querystring: MessageSearchParams,
        response: { 200: MessageSearchResult, '4xx': ErrorBody },
      },
    },
    async (req) => ctx.search.messages(req.uid, req.query),
  );
  app.get(
    '/v1/conversations/search',
    {
      schema: {
        ...tags('conversations'),
        summary: 'conversation.search',
        description: 'Your listed conversations by peer uid or group id prefix, or by part of a group or peer name.',
        querystring: ConversationSearchParams,
        response: { 200: ConversationSearchResult, '4xx': ErrorBody },
      },
    },
    async (req) => ctx.search.conversations(req.uid, req.query),
  );
};

import { AckOnceParams, AckOnceResult, ErrorBody, SyncOnceParams, SyncOnceResult } from '@parley/protocol';
import type { Routes } from '../routes.js';

const tags = { tags: ['messages'], security: [{ bearer: [] }] };

/** The REST twins of message.syncOnce and message.ackOnce. */
export const syncOnceRoutes: Routes = (app, ctx) => {
  app.get(
    '/v1/messages/sync-once',
    {
      schema: {
        ...tags,
        summary: 'message.syncOnce',
        description: 'Messages sent with header.syncOnce that wait for you, oldest first; they stay until acknowledged.',
        querystring: SyncOnceParams,
        response: { 200: SyncOnceResult, '4xx': ErrorBody },
      },
    },
    async (req) => ctx.syncOnce.pending(req.uid, req.query.limit),
  );
  app.post(
    '/v1/messages/sync-once/ack',
    {
      schema: {
        ...tags,
        summary: 'message.ackOnce',
        description: 'Removes these syncOnce messages for you, on every device; acknowledging again removes nothing.',
        body: AckOnceParams,
        response: { 200: AckOnceResult, '4xx': ErrorBody },
      },
    },
    async (req) => ctx.syncOnce.ack(req.uid, req.body.messageIds),
  );
};

import {
  DeadLetterPage,
  DeadLetterQuery,
  DiscardBody,
  DiscardResult,
  ErrorBody,
  ReplayBody,
  ReplayResult,
  WebhookStatus,
  WebhookUpdateBody,
} from '@parley/protocol';
import type { Routes } from '../routes.js';

const errors = { '4xx': ErrorBody };
const admin = { tags: ['admin: webhooks'], security: [{ appSecret: [] }] };

/** The webhook (docs/webhooks.md): its URL, its outbox's state, the dead letters, their replay and discard. */
export const adminWebhookRoutes: Routes = (app, ctx) => {
  app.get(
    '/v1/admin/webhook',
    {
      schema: {
        ...admin,
        summary: 'The webhook URL in force (credentials masked), events pending, dead letters, failing lanes',
        response: { 200: WebhookStatus, ...errors },
      },
    },
    async () => ctx.webhooks.status(),
  );
  app.put(
    '/v1/admin/webhook',
    {
      schema: {
        ...admin,
        summary: 'Set the webhook URL on every node ("" turns webhooks off, null goes back to PARLEY_WEBHOOK_URL)',
        body: WebhookUpdateBody,
        response: { 200: WebhookStatus, ...errors },
      },
    },
    async (req) => ctx.webhooks.setUrl(req.body.url),
  );
  app.get(
    '/v1/admin/webhook/dead-letters',
    {
      schema: {
        ...admin,
        summary: 'Events given up on, oldest first, a page at a time',
        querystring: DeadLetterQuery,
        response: { 200: DeadLetterPage, ...errors },
      },
    },
    async (req) => ctx.webhooks.deadLetters(req.query.cursor, req.query.limit ?? 100),
  );
  app.post(
    '/v1/admin/webhook/dead-letters/replay',
    {
      schema: {
        ...admin,
        summary: 'Deliver dead letters again (these ids, or the oldest 1000), each at its old place in its channel’s order',
        body: ReplayBody,
        response: { 200: ReplayResult, ...errors },
      },
    },
    async (req) => ctx.webhooks.replay(req.body.ids),
  );
  app.post(
    '/v1/admin/webhook/dead-letters/discard',
    {
      schema: {
        ...admin,
        summary: 'Delete dead letters for good (these ids, or the oldest 1000)',
        body: DiscardBody,
        response: { 200: DiscardResult, ...errors },
      },
    },
    async (req) => ctx.webhooks.discard(req.body.ids),
  );
};

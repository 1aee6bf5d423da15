import { ErrorBody, ReasonCode, SendAck, SendParams } from '@parley/protocol';
import type { Routes } from '../routes.js';
import { refusalError } from '../send-refusal.js';

export const messageRoutes: Routes = (app, ctx) => {
  app.post(
    '/v1/messages',
    {
      schema: {
        tags: ['messages'],
        summary: 'message.send: store, acknowledge, deliver',
        description:
          'The ack is returned only after the message is durably stored. A refusal answers `message.refused` with `details.reasonCode` (WuKongIM reason codes).',
        security: [{ bearer: [] }],
        body: SendParams,
        response: { 200: SendAck, '4xx': ErrorBody, '5xx': ErrorBody },
      },
    },
    async (req) => {
      const ack = await ctx.messages.send({ uid: req.uid }, req.body);
      if (ack.reasonCode !== ReasonCode.ReasonSuccess) throw refusalError(ack);
      return ack;
    },
  );
};

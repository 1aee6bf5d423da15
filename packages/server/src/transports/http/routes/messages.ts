import { ErrorBody, ReasonCode, SendAck, SendParams } from '@parley/protocol';
import type { Routes } from '../routes.js';
import { invalidSendError, refusalError } from '../send-refusal.js';

export const messageRoutes: Routes = (app, ctx) => {
  app.post(
    '/v1/messages',
    {
      // Schema failures reach the handler, which answers those a reason code names as refusals.
      attachValidation: true,
      schema: {
        tags: ['messages'],
        summary: 'message.send: store, acknowledge, deliver',
        description:
          'The ack is returned only after the message is durably stored. A refusal answers `message.refused` with `details.reasonCode` (WuKongIM reason codes), also for a body that fails the schema in a way a reason code names (21 clientMsgNo missing or empty, 23 channelType, 9 payload, 16 channelId, 20 unknown header field); any other malformed body is `request.invalid`.',
        security: [{ bearer: [] }],
        body: SendParams,
        response: { 200: SendAck, '4xx': ErrorBody, '5xx': ErrorBody },
      },
    },
    async (req) => {
      if (req.validationError) throw invalidSendError(ctx, req.body, SendParams, req.validationError);
      const ack = await ctx.messages.send({ uid: req.uid }, req.body);
      if (ack.reasonCode !== ReasonCode.ReasonSuccess) throw refusalError(ack);
      return ack;
    },
  );
};

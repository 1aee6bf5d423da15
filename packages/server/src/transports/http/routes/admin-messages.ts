import { AdminSendBody, ErrorBody, ReasonCode, SendAck, SYSTEM_UID } from '@parley/protocol';
import type { Routes } from '../routes.js';
import { invalidSendError, refusalError } from '../send-refusal.js';

export const adminMessageRoutes: Routes = (app, ctx) => {
  app.post(
    '/v1/admin/messages',
    {
      // As POST /v1/messages: schema failures a reason code names are refusals.
      attachValidation: true,
      schema: {
        tags: ['admin: messages'],
        security: [{ appSecret: [] }],
        summary: 'Send as any user, or as the system (no fromUid)',
        body: AdminSendBody,
        response: { 200: SendAck, '4xx': ErrorBody },
      },
    },
    async (req) => {
      if (req.validationError) throw invalidSendError(ctx, req.body, AdminSendBody, req.validationError);
      const { fromUid, clientMsgNo, ...rest } = req.body;
      const uid = fromUid ?? SYSTEM_UID;
      if (fromUid) await ctx.users.require(fromUid);
      const ack = await ctx.messages.send({ uid, trusted: true }, { ...rest, clientMsgNo: clientMsgNo ?? `admin-${ctx.messages.newId()}` });
      if (ack.reasonCode !== ReasonCode.ReasonSuccess) throw refusalError(ack);
      return ack;
    },
  );
};

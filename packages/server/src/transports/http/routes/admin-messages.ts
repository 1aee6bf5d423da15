import { AdminSendBody, ErrorBody, ReasonCode, SendAck, SYSTEM_UID } from '@parley/protocol';
import type { Routes } from '../routes.js';
import { refusalError } from '../send-refusal.js';

export const adminMessageRoutes: Routes = (app, ctx) => {
  app.post(
    '/v1/admin/messages',
    {
      schema: {
        tags: ['admin: messages'],
        security: [{ appSecret: [] }],
        summary: 'Send as any user, or as the system (no fromUid)',
        body: AdminSendBody,
        response: { 200: SendAck, '4xx': ErrorBody },
      },
    },
    async (req) => {
      const { fromUid, clientMsgNo, ...rest } = req.body;
      const uid = fromUid ?? SYSTEM_UID;
      if (fromUid) await ctx.users.require(fromUid);
      const ack = await ctx.messages.send({ uid, trusted: true }, { ...rest, clientMsgNo: clientMsgNo ?? `admin-${ctx.messages.newId()}` });
      if (ack.reasonCode !== ReasonCode.ReasonSuccess) throw refusalError(ack);
      return ack;
    },
  );
};

import { ReasonCode, SendParams, type WkMessageSendParams } from '@parley/protocol';
import { Compile } from 'typebox/compile';
import type { AppContext } from '../../../app-context.js';
import { refusalError } from '../../http/send-refusal.js';
import { echoedClientMsgNo, invalidSendReason } from '../../shared/send-validation.js';
import { headerOf } from '../codec/framing.js';
import { toSendParams } from '../payload.js';
import { exactMessageId } from './wk-message.js';

const fits = Compile(SendParams);

/**
 * WuKongIM's `POST /message/send` as the caller's own send (`message.send`, the same path as both
 * gateways): the base64 payload decoded, refusals answered as Parley's REST does (`message.refused`
 * with the reason code).
 */
export async function messageSend(ctx: AppContext, uid: string, p: WkMessageSendParams) {
  const clientMsgNo = p.client_msg_no ?? ctx.messages.newId();
  let content: unknown;
  try {
    content = JSON.parse(Buffer.from(p.payload, 'base64').toString('utf8'));
  } catch {
    content = undefined;
  }
  const h = p.header ?? {};
  const flags = (h.red_dot ?? 1) * 2 + (h.no_persist ?? 0) + (h.sync_once ?? 0) * 4;
  const params = toSendParams(content, {
    header: headerOf(flags),
    setting: p.setting ?? 0,
    clientMsgNo,
    channelId: p.channel_id,
    channelType: p.channel_type,
  });
  if (params === undefined) throw refusalError(ctx.messages.refuse(clientMsgNo, ReasonCode.ReasonPayloadDecodeError));
  if (!fits.Check(params)) {
    const reason = invalidSendReason(params, SendParams) ?? ReasonCode.ReasonPayloadDecodeError;
    throw refusalError(ctx.messages.refuse(echoedClientMsgNo(params), reason));
  }
  const ack = await ctx.messages.send({ uid }, params as SendParams);
  if (ack.reasonCode !== ReasonCode.ReasonSuccess) throw refusalError(ack);
  return {
    message_id: exactMessageId(ack.messageId),
    message_idstr: ack.messageId,
    message_seq: ack.messageSeq,
    client_msg_no: ack.clientMsgNo,
  };
}

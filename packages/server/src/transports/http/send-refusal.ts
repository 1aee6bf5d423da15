import { ParleyError, ReasonCode, reasonName, type SendAck } from '@parley/protocol';
import type { TObject } from 'typebox';
import type { AppContext } from '../../app-context.js';
import { echoedClientMsgNo, invalidSendReason } from '../shared/send-validation.js';

const statusByReason: Record<number, number> = {
  [ReasonCode.ReasonChannelNotExist]: 404,
  [ReasonCode.ReasonRateLimit]: 429,
  [ReasonCode.ReasonDisband]: 410,
  [ReasonCode.ReasonSystemError]: 503,
  [ReasonCode.ReasonPayloadDecodeError]: 400,
  [ReasonCode.ReasonChannelIDError]: 400,
  [ReasonCode.ReasonNotSupportHeader]: 400,
  [ReasonCode.ReasonClientKeyIsEmpty]: 400,
  [ReasonCode.ReasonNotSupportChannelType]: 400,
};

/** On REST a refused send is an error (`message.refused`) whose details carry the ack's reason code. */
export function refusalError(ack: SendAck): ParleyError {
  const name = reasonName(ack.reasonCode);
  const error = new ParleyError('message.refused', `The message was refused: ${name}`, {
    reasonCode: ack.reasonCode,
    reason: name,
    clientMsgNo: ack.clientMsgNo,
  });
  return Object.assign(error, { status: statusByReason[ack.reasonCode] ?? 403 });
}

/**
 * A send body that failed its schema: refused like a send (`message.refused` with the reason code)
 * where the WebSocket answers a refused ack for the same body, else the validation error itself.
 */
export function invalidSendError(ctx: AppContext, body: unknown, schema: TObject, validationError: Error): Error {
  const reason = invalidSendReason(body, schema);
  return reason === undefined ? validationError : refusalError(ctx.messages.refuse(echoedClientMsgNo(body), reason));
}

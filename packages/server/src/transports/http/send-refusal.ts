import { ParleyError, ReasonCode, reasonName, type SendAck } from '@parley/protocol';

const statusByReason: Record<number, number> = {
  [ReasonCode.ReasonChannelNotExist]: 404,
  [ReasonCode.ReasonRateLimit]: 429,
  [ReasonCode.ReasonDisband]: 410,
  [ReasonCode.ReasonSystemError]: 503,
  [ReasonCode.ReasonPayloadDecodeError]: 400,
  [ReasonCode.ReasonChannelIDError]: 400,
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

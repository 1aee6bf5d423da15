/**
 * Send reason codes: the WuKongIM table (seed 004), same numbers and names,
 * so clients written against WuKongIM read our acks unchanged.
 */
export const ReasonCode = {
  ReasonUnknown: 0,
  ReasonSuccess: 1,
  ReasonAuthFail: 2,
  ReasonSubscriberNotExist: 3,
  ReasonInBlacklist: 4,
  ReasonChannelNotExist: 5,
  ReasonUserNotOnNode: 6,
  ReasonSenderOffline: 7,
  ReasonMsgKeyError: 8,
  ReasonPayloadDecodeError: 9,
  ReasonForwardSendPacketError: 10,
  ReasonNotAllowSend: 11,
  ReasonConnectKick: 12,
  ReasonNotInWhitelist: 13,
  ReasonQueryTokenError: 14,
  ReasonSystemError: 15,
  ReasonChannelIDError: 16,
  ReasonNodeMatchError: 17,
  ReasonNodeNotMatch: 18,
  ReasonBan: 19,
  ReasonNotSupportHeader: 20,
  ReasonClientKeyIsEmpty: 21,
  ReasonRateLimit: 22,
  ReasonNotSupportChannelType: 23,
  ReasonDisband: 24,
  ReasonSendBan: 25,
} as const;

export type ReasonName = keyof typeof ReasonCode;
export type ReasonCode = (typeof ReasonCode)[ReasonName];

const names = new Map<number, ReasonName>(Object.entries(ReasonCode).map(([name, code]) => [code, name as ReasonName]));

export const reasonName = (code: number): ReasonName => names.get(code) ?? 'ReasonUnknown';

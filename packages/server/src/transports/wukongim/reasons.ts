import { ReasonCode } from '@parley/protocol';

/**
 * WuKongIM's reason codes this gateway answers with: Parley's send table (same numbers) plus the one
 * it adds for versions it cannot speak.
 */
export const WkReason = {
  Success: ReasonCode.ReasonSuccess,
  AuthFail: ReasonCode.ReasonAuthFail,
  MsgKeyError: ReasonCode.ReasonMsgKeyError,
  PayloadDecodeError: ReasonCode.ReasonPayloadDecodeError,
  ConnectKick: ReasonCode.ReasonConnectKick,
  SystemError: ReasonCode.ReasonSystemError,
  Ban: ReasonCode.ReasonBan,
  NotSupportHeader: ReasonCode.ReasonNotSupportHeader,
  ClientKeyIsEmpty: ReasonCode.ReasonClientKeyIsEmpty,
  /** WuKongIM's ProtocolUpgradeRequired: the CONNECT named a version we do not speak. */
  ProtocolUpgradeRequired: 27,
} as const;

import type { ErrorCode } from './error-catalogue.js';
import { ReasonCode } from './reason-codes.js';

/**
 * Errors after which the same request, sent again unchanged after a back-off, may succeed: the
 * server was busy, stopping or failing, not the request wrong. Every other code needs a different
 * request. Kept apart from the catalogue so that a browser bundle asking "retry?" does not carry
 * every message text.
 */
const retryableErrors: ReadonlySet<string> = new Set<ErrorCode>(['rate.limited', 'server.shutting_down', 'server.internal']);

/** Refusals that say nothing about the message itself: the same send may be accepted later. */
const retryableReasons: ReadonlySet<number> = new Set([
  ReasonCode.ReasonUserNotOnNode,
  ReasonCode.ReasonSenderOffline,
  ReasonCode.ReasonForwardSendPacketError,
  ReasonCode.ReasonSystemError,
  ReasonCode.ReasonNodeMatchError,
  ReasonCode.ReasonNodeNotMatch,
  ReasonCode.ReasonRateLimit,
]);

/** Whether a send ack's reason code is worth retrying (with the same clientMsgNo, after a back-off). */
export const isRetryableReason = (reasonCode: number): boolean => retryableReasons.has(reasonCode);

/**
 * Whether the request that got this error may succeed if sent again unchanged, after a back-off.
 * An unknown code (from a newer server) is not retried.
 */
export function isRetryable(code: string, details?: unknown): boolean {
  if (code === 'message.refused') {
    const reasonCode = (details as { reasonCode?: unknown } | undefined)?.reasonCode;
    return typeof reasonCode === 'number' && isRetryableReason(reasonCode);
  }
  return retryableErrors.has(code);
}

import type { ErrorBody } from '@parley/protocol';
import { type ErrorCode, isRetryable } from '@parley/protocol/constants';

export type ClientErrorCode = 'client.disconnected' | 'client.closed' | 'client.timeout';

/** The SDK's own failures that a later try may not meet: the connection was down or slow, not the request wrong. */
const retryableClientCodes: ReadonlySet<string> = new Set<ClientErrorCode>(['client.disconnected', 'client.timeout']);

/** Every failure the SDK reports: a stable `code` from the server's catalogue, or one of the SDK's own. */
export class ParleyClientError extends Error {
  override name = 'ParleyClientError';
  /**
   * Sending the same request again later, after a back-off, may succeed (a rate limit, a server
   * restarting, a dropped connection). Sends keep their clientMsgNo, so retrying one never duplicates it.
   */
  readonly retryable: boolean;

  constructor(
    readonly code: ErrorCode | ClientErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.retryable = retryableClientCodes.has(code) || isRetryable(code, details);
  }

  static from(body: ErrorBody): ParleyClientError {
    return new ParleyClientError(body.code as ErrorCode, body.message, body.details);
  }
}

import type { ErrorBody, ErrorCode } from '@parley/protocol';

/** Every failure the SDK reports: a stable `code` from the server's catalogue, or one of the SDK's own. */
export class ParleyClientError extends Error {
  override name = 'ParleyClientError';

  constructor(
    readonly code: ErrorCode | 'client.disconnected' | 'client.closed' | 'client.timeout',
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  static from(body: ErrorBody): ParleyClientError {
    return new ParleyClientError(body.code as ErrorCode, body.message, body.details);
  }
}

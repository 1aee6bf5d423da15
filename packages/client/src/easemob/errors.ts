import { ParleyClientError } from '../errors.js';

/** The Easemob Web SDK error codes the facade rejects with (`error.type`). */
export const EasemobCode = {
  REQUEST_TIMEOUT: -1,
  REQUEST_UNKNOWN: -2,
  REQUEST_PARAMETER_ERROR: -3,
  WEBIM_CONNCTION_AJAX_ERROR: 17,
  WEBIM_CONNECTION_CLOSED: 39,
  MAX_LIMIT: 50,
  MESSAGE_NOT_FOUND: 51,
  NO_PERMISSION: 52,
  WEBIM_TOKEN_EXPIRED: 56,
  MESSAGE_CURRENT_LIMITING: 509,
} as const;

/**
 * An Easemob rejection: `type` is Easemob's code, `message` says why, `data.code` keeps Parley's own
 * error code for whoever wants the precise one.
 */
export class EasemobError extends Error {
  override name = 'EasemobError';
  constructor(
    readonly type: number,
    message: string,
    readonly data?: { code: string },
  ) {
    super(message);
  }
}

export const parameterError = (message: string): EasemobError => new EasemobError(EasemobCode.REQUEST_PARAMETER_ERROR, message);

function typeOf(code: string): number {
  switch (code) {
    case 'client.timeout':
      return EasemobCode.REQUEST_TIMEOUT;
    case 'client.disconnected':
    case 'client.closed':
      return EasemobCode.WEBIM_CONNECTION_CLOSED;
    case 'auth.token_expired':
      return EasemobCode.WEBIM_TOKEN_EXPIRED;
    case 'conversation.pin_limit':
      return EasemobCode.MAX_LIMIT;
    case 'message.not_found':
      return EasemobCode.MESSAGE_NOT_FOUND;
    case 'rate.limited':
      return EasemobCode.MESSAGE_CURRENT_LIMITING;
  }
  if (code.endsWith('.forbidden')) return EasemobCode.NO_PERMISSION;
  if (code.startsWith('request.') || code.endsWith('.invalid_id') || code === 'message.remove_invalid')
    return EasemobCode.REQUEST_PARAMETER_ERROR;
  return EasemobCode.WEBIM_CONNCTION_AJAX_ERROR;
}

/** Any failure as the EasemobError an Easemob app catches. */
export function toEasemobError(err: unknown): EasemobError {
  if (err instanceof EasemobError) return err;
  if (err instanceof ParleyClientError) return new EasemobError(typeOf(err.code), err.message, { code: err.code });
  return new EasemobError(EasemobCode.REQUEST_UNKNOWN, String(err));
}

/** Runs a call and rejects, when it fails, with an EasemobError. */
export async function easemobCall<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw toEasemobError(err);
  }
}

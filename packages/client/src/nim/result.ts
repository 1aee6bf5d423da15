import { ParleyClientError } from '../errors.js';

/** The NIM status codes the facade answers with (NIM's `ResponseCode` / Flutter's `NIMResultCode`). */
export const NIMResultCode = {
  success: 200,
  forbidden: 403,
  nonExist: 404,
  timeout: 408,
  paramError: 414,
  connectionError: 415,
  frequently: 416,
  countLimit: 419,
  serverError: 500,
} as const;

/**
 * Flutter nim_core's `NIMResult`: an answer, never a throw. `code` is 200 on success (NIM's
 * `ResponseCode.RES_SUCCESS`; `isSuccess` is the field to test), otherwise a NIM code; `errorDetails`
 * keeps Parley's own error code and message (`conversation.not_found: No conversation p2p|x`).
 */
export interface NIMResult<T> {
  readonly isSuccess: boolean;
  readonly code: number;
  readonly data: T | null;
  readonly errorDetails: string | null;
}

export const succeeded = <T>(data: T): NIMResult<T> => ({ isSuccess: true, code: NIMResultCode.success, data, errorDetails: null });

export const failed = <T>(code: number, errorDetails: string): NIMResult<T> => ({ isSuccess: false, code, data: null, errorDetails });

/** Parley's error code as the NIM code an app written for NIM already handles. */
export function nimCodeOf(code: string): number {
  switch (code) {
    case 'rate.limited':
      return NIMResultCode.frequently;
    case 'client.timeout':
      return NIMResultCode.timeout;
    case 'client.disconnected':
    case 'client.closed':
      return NIMResultCode.connectionError;
    case 'conversation.pin_limit':
      return NIMResultCode.countLimit;
    case 'conversation.ext_too_large':
      return NIMResultCode.paramError;
  }
  if (code.endsWith('.not_found')) return NIMResultCode.nonExist;
  if (code.endsWith('.forbidden') || code.startsWith('auth.')) return NIMResultCode.forbidden;
  if (code.startsWith('request.') || code.endsWith('.invalid_id')) return NIMResultCode.paramError;
  return NIMResultCode.serverError;
}

/** A failure as NIM reports it; anything that is not a Parley error is a bug and says so. */
export function failureOf<T>(err: unknown): NIMResult<T> {
  if (err instanceof ParleyClientError) return failed(nimCodeOf(err.code), `${err.code}: ${err.message}`);
  return failed(NIMResultCode.serverError, String(err));
}

/** A parameter NIM would answer 414 for. */
export const paramError = (message: string): ParleyClientError => new ParleyClientError('request.invalid', message);

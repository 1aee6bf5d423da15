import { type Static, Type } from 'typebox';
import { ErrorCatalogue, type ErrorCode } from './error-catalogue.js';

export * from './error-catalogue.js';
export * from './retry.js';

export const ErrorBody = Type.Object(
  {
    code: Type.String({ description: 'Stable error code from the catalogue', examples: ['request.invalid'] }),
    message: Type.String(),
    details: Type.Optional(Type.Unknown()),
  },
  { title: 'Error', description: 'The one error shape, on REST and WebSocket alike' },
);
export type ErrorBody = Static<typeof ErrorBody>;

/** Thrown by domain code; transports turn it into the documented error shape. */
export class ParleyError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: unknown;

  constructor(code: ErrorCode, message?: string, details?: unknown) {
    super(message ?? ErrorCatalogue[code].message);
    this.name = 'ParleyError';
    this.code = code;
    this.status = ErrorCatalogue[code].status;
    this.details = details;
  }

  toBody(): ErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

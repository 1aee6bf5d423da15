import { type Static, Type } from 'typebox';
import type { ErrorBody } from '../errors.js';

export const RequestFrame = Type.Object(
  {
    id: Type.Union([Type.Integer(), Type.String({ maxLength: 64 })], { description: 'Echoed in the response' }),
    method: Type.String({ maxLength: 64 }),
    params: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
);
export type RequestFrame = Static<typeof RequestFrame>;

export type ResponseFrame = { id: number | string; result: unknown } | { id: number | string | null; error: ErrorBody };

export interface PushFrame<E extends string = string, D = unknown> {
  event: E;
  data: D;
}

export { CloseCode, EventName } from '../constants.js';

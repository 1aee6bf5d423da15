import { SendAck, SendParams } from '@parley/protocol';
import { type Static, type TSchema, Type } from 'typebox';
import type { AppContext } from '../../app-context.js';

export interface Caller {
  uid: string;
  connectionId: string;
}

export interface Method<S extends TSchema = TSchema> {
  params: S;
  result: TSchema;
  summary: string;
  handle(ctx: AppContext, caller: Caller, params: Static<S>): Promise<unknown>;
}

const method = <S extends TSchema>(m: Method<S>): Method => m as unknown as Method;

/**
 * Every client operation on the WebSocket, with the same params as its REST twin.
 * The schemas here validate frames and document them on /docs.
 */
export const methods: Record<string, Method> = {
  'message.send': method({
    params: SendParams,
    result: SendAck,
    summary: 'Send a message; the result is the ack (reasonCode 1 = stored)',
    handle: (ctx, caller, params) => ctx.messages.send({ uid: caller.uid, origin: caller.connectionId }, params),
  }),
  ping: method({
    params: Type.Object({}, { additionalProperties: false }),
    result: Type.Object({ pong: Type.Integer({ description: 'Server time, ms' }) }),
    summary: 'Application-level heartbeat for clients that cannot see WebSocket pings (browsers)',
    handle: async () => ({ pong: Date.now() }),
  }),
};

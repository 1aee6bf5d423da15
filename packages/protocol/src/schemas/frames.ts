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

/** WebSocket close codes the server uses, beyond the standard ones. */
export const CloseCode = {
  AuthFailed: 4001,
  AuthTimeout: 4002,
  TokenExpired: 4003,
  SlowConsumer: 4008,
  Idle: 4009,
  Kicked: 4010,
  ShuttingDown: 1001,
} as const;

export const EventName = {
  MessageNew: 'message.new',
  MessageUpdated: 'message.updated',
  ConversationUpdated: 'conversation.updated',
  ConversationDeleted: 'conversation.deleted',
  PinnedConversation: 'multiDevice.pinnedConversation',
  UnpinnedConversation: 'multiDevice.unpinnedConversation',
  DeleteRoaming: 'multiDevice.deleteRoaming',
} as const;

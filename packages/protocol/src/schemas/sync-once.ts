import { type Static, Type } from 'typebox';
import { Message } from './message.js';
import { MessageId } from './message-ops.js';

/** `message.syncOnce`: what waits for you (messages sent with `header.syncOnce`), oldest first. */
export const SyncOnceParams = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, description: 'Default 100' })) },
  { additionalProperties: false },
);
export type SyncOnceParams = Static<typeof SyncOnceParams>;

export const SyncOnceResult = Type.Object({
  messages: Type.Array(Message, {
    description:
      'The oldest waiting messages, in the order they were stored (messageSeq 0: they have no place in history). ' +
      'They stay until acknowledged: the same page comes back until message.ackOnce removes it',
  }),
  hasMore: Type.Boolean({ description: 'More wait after this page: acknowledge this one, then ask again' }),
});
export type SyncOnceResult = Static<typeof SyncOnceResult>;

/** `message.ackOnce`: these were handed over; they are removed for you on every device. */
export const AckOnceParams = Type.Object(
  { messageIds: Type.Array(MessageId, { minItems: 1, maxItems: 100 }) },
  { additionalProperties: false },
);
export type AckOnceParams = Static<typeof AckOnceParams>;

export const AckOnceResult = Type.Object({
  removed: Type.Integer({ description: 'How many were still waiting for you (an id acknowledged before, or never yours, counts 0)' }),
});
export type AckOnceResult = Static<typeof AckOnceResult>;

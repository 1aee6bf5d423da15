import { type Static, Type } from 'typebox';
import { ID_PATTERN } from '../ids.js';

/** `typing.start` / `typing.stop`: tell the others in a chat you are (no longer) typing. Nothing is stored. */
export const TypingParams = Type.Object(
  {
    channelId: Type.String({ pattern: ID_PATTERN, description: 'The peer uid for a 1:1 chat, the group id otherwise' }),
    channelType: Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3)], {
      description: '1 a 1:1 chat (channelId: the peer), 2 a group, 3 a super group',
    }),
  },
  { additionalProperties: false, title: 'TypingParams' },
);
export type TypingParams = Static<typeof TypingParams>;

export const TypingResult = Type.Object(
  {
    forwarded: Type.Boolean({
      description:
        'Whether the others were told: false within PARLEY_TYPING_INTERVAL_SECONDS of the last one told (repeat it no faster), in a group over PARLEY_TYPING_MAX_MEMBERS, or to a peer who blocked you',
    }),
  },
  { title: 'TypingResult' },
);
export type TypingResult = Static<typeof TypingResult>;

/** The `typing` push: `uid` is typing in the chat, for `expiresInMs` unless it says so again (0: stopped). */
export const TypingEvent = Type.Object(
  {
    channelId: Type.String({ description: 'As the receiver names the chat: the typer for a 1:1 chat, the group otherwise' }),
    channelType: Type.Integer(),
    uid: Type.String(),
    expiresInMs: Type.Integer({ description: 'Show it this long at most; 0 when they stopped (typing.stop)' }),
  },
  { title: 'TypingEvent' },
);
export type TypingEvent = Static<typeof TypingEvent>;

import { type Static, Type } from 'typebox';
import { Uid } from '../ids.js';

/**
 * Presence: whether a user has a connected device on any node, and when they were last seen.
 * A client subscribes to the users it shows (`presence.subscribe`) and gets `presence.changed`
 * pushes; the app's server reads it in bulk (`POST /v1/admin/users/online`).
 */

export const PresenceUids = Type.Object(
  {
    uids: Type.Array(Uid, {
      minItems: 1,
      maxItems: 500,
      description: 'At most 500 per call; a connection holds at most PARLEY_PRESENCE_MAX_SUBSCRIPTIONS (default 500)',
    }),
  },
  { additionalProperties: false, title: 'PresenceUids' },
);
export type PresenceUids = Static<typeof PresenceUids>;

export const PresenceState = Type.Object(
  {
    uid: Uid,
    online: Type.Boolean({ description: 'A device of the user is connected to any node (false for a user who hides their presence)' }),
    lastSeen: Type.Union([Type.Integer(), Type.Null()], {
      description: 'When their last device left, ms (null while online, if never seen, or hidden)',
    }),
  },
  { title: 'PresenceState' },
);
export type PresenceState = Static<typeof PresenceState>;

export const PresenceSubscribeResult = Type.Object(
  { users: Type.Array(PresenceState, { description: 'The current state of each uid asked for, in the order asked' }) },
  { title: 'PresenceSubscribeResult' },
);
export type PresenceSubscribeResult = Static<typeof PresenceSubscribeResult>;

export const PresenceUnsubscribeResult = Type.Object(
  { subscribed: Type.Integer({ description: 'How many uids this connection still follows' }) },
  { title: 'PresenceUnsubscribeResult' },
);
export type PresenceUnsubscribeResult = Static<typeof PresenceUnsubscribeResult>;

export const OnlineQuery = Type.Object(
  { uids: Type.Array(Uid, { minItems: 1, maxItems: 1000, description: 'At most 1000 uids per call' }) },
  { additionalProperties: false, title: 'OnlineQuery' },
);
export type OnlineQuery = Static<typeof OnlineQuery>;

export const OnlineDevice = Type.Object(
  {
    deviceFlag: Type.Integer({ description: '1 app, 2 web, 3 desktop' }),
    deviceId: Type.String(),
    since: Type.Integer({ description: 'When this connection signed in, ms' }),
  },
  { title: 'OnlineDevice' },
);

export const OnlineUser = Type.Object(
  {
    uid: Uid,
    online: Type.Boolean({ description: 'The real state, also for a user who hides it from other users' }),
    devices: Type.Array(OnlineDevice, { description: 'Every connected device, on every node' }),
    lastSeen: Type.Union([Type.Integer(), Type.Null()], { description: 'When their last device left, ms; null if never seen' }),
    hidden: Type.Boolean({ description: 'The user hides their presence: other users see them offline with no lastSeen' }),
  },
  { title: 'OnlineUser' },
);
export type OnlineUser = Static<typeof OnlineUser>;

export const OnlineResult = Type.Object(
  { users: Type.Array(OnlineUser, { description: 'In the order asked' }) },
  { title: 'OnlineResult' },
);
export type OnlineResult = Static<typeof OnlineResult>;

export const PresenceSetting = Type.Object(
  { hidden: Type.Boolean({ description: 'true: other users see this user offline, with no lastSeen' }) },
  { additionalProperties: false, title: 'PresenceSetting' },
);
export type PresenceSetting = Static<typeof PresenceSetting>;

export const KickBody = Type.Object(
  { deviceId: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'Only this device; every device without it' })) },
  { additionalProperties: false, title: 'KickBody' },
);
export type KickBody = Static<typeof KickBody>;

export const TokensRevoked = Type.Object(
  { uid: Uid, revokedAt: Type.Integer({ description: 'Tokens issued at or before it are refused (auth.invalid_token), ms' }) },
  { title: 'TokensRevoked' },
);
export type TokensRevoked = Static<typeof TokensRevoked>;

/** The `session.kicked` push, just before the server closes the connection. */
export const SessionKicked = Type.Object(
  {
    reason: Type.Union([Type.Literal('replaced'), Type.Literal('kicked'), Type.Literal('tokens_revoked')], {
      description:
        'replaced: a newer login with the same deviceFlag (close 4012); kicked: the app server signed this device out (4010); tokens_revoked: every token was revoked (4010)',
    }),
    deviceId: Type.String(),
    deviceFlag: Type.Integer(),
  },
  { title: 'SessionKicked' },
);

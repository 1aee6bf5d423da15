import { type Static, Type } from 'typebox';
import { DeviceFlagSchema, Uid } from '../ids.js';

export const DeviceId = Type.String({ minLength: 1, maxLength: 64, description: "The device's own stable id" });

export const DevLoginBody = Type.Object({ uid: Uid }, { additionalProperties: false });
export type DevLoginBody = Static<typeof DevLoginBody>;

export const TokenResult = Type.Object({
  uid: Type.String(),
  token: Type.String({ description: 'Bearer token for REST and the WebSocket' }),
  expiresAt: Type.Integer({ description: 'Expiry, ms since epoch' }),
});
export type TokenResult = Static<typeof TokenResult>;

/** The first frame of a WebSocket connection that did not pass `?token=`. */
export const AuthParams = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 4096 }), deviceId: Type.Optional(DeviceId), deviceFlag: Type.Optional(DeviceFlagSchema) },
  { additionalProperties: false },
);
export type AuthParams = Static<typeof AuthParams>;

/** The server's limits a client checks before sending, so that its user's text is not lost to a refusal. */
export const ClientLimits = Type.Object(
  {
    textMaxChars: Type.Integer({ description: 'Characters in a text message (PARLEY_TEXT_MAX_CHARS)' }),
    payloadMaxBytes: Type.Integer({ description: 'Bytes of a payload as JSON (PARLEY_PAYLOAD_MAX_BYTES)' }),
    uploadMaxBytes: Type.Integer({ description: 'Bytes of an uploaded file (PARLEY_UPLOAD_MAX_BYTES)' }),
    extMaxBytes: Type.Integer({ description: "Bytes of a conversation's ext, UTF-8 (PARLEY_EXT_MAX_BYTES)" }),
    maxPinned: Type.Integer({ description: 'Pinned conversations per user (PARLEY_MAX_PINNED)' }),
    revokeWindowMs: Type.Integer({ description: 'How long a sender may revoke, ms (PARLEY_REVOKE_WINDOW_SECONDS)' }),
    maxEdits: Type.Integer({ description: 'Edits per message (PARLEY_MAX_EDITS)' }),
    maxReactions: Type.Integer({ description: 'Distinct reactions per message (PARLEY_MAX_REACTIONS)' }),
  },
  { title: 'ClientLimits' },
);
export type ClientLimits = Static<typeof ClientLimits>;

export const AuthResult = Type.Object({
  uid: Type.String(),
  deviceId: Type.String(),
  deviceFlag: Type.Integer(),
  serverTime: Type.Integer(),
  heartbeatIntervalMs: Type.Integer(),
  limits: ClientLimits,
});
export type AuthResult = Static<typeof AuthResult>;

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

export const AuthResult = Type.Object({
  uid: Type.String(),
  deviceId: Type.String(),
  deviceFlag: Type.Integer(),
  serverTime: Type.Integer(),
  heartbeatIntervalMs: Type.Integer(),
});
export type AuthResult = Static<typeof AuthResult>;

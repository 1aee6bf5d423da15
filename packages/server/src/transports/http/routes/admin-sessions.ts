import { ErrorBody, KickBody, TokensRevoked, Uid } from '@parley/protocol';
import { Type } from 'typebox';
import type { Routes } from '../routes.js';

const UidParams = Type.Object({ uid: Uid });
const errors = { '4xx': ErrorBody };
const admin = { tags: ['admin: users'], security: [{ appSecret: [] }] };
const Kicked = Type.Object({ uid: Uid, deviceId: Type.Optional(Type.String()) }, { title: 'Kicked' });

/** Signing a user out, for the app's server: one device or all of them, with or without their tokens. */
export const adminSessionRoutes: Routes = (app, ctx) => {
  app.post(
    '/v1/admin/users/:uid/kick',
    {
      schema: {
        ...admin,
        summary: "Close the user's connections (one device's with deviceId) on every node: session.kicked, then close 4010",
        params: UidParams,
        body: KickBody,
        response: { 200: Kicked, ...errors },
      },
    },
    async (req) => {
      await ctx.sessions.kick(req.params.uid, req.body.deviceId);
      return req.body.deviceId === undefined ? { uid: req.params.uid } : { uid: req.params.uid, deviceId: req.body.deviceId };
    },
  );
  app.post(
    '/v1/admin/users/:uid/tokens/revoke',
    {
      schema: {
        ...admin,
        summary: 'Refuse every token issued to the user until now, and close their connections (4010)',
        params: UidParams,
        response: { 200: TokensRevoked, ...errors },
      },
    },
    async (req) => ctx.sessions.revokeTokens(req.params.uid),
  );
};

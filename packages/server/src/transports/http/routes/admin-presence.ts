import { ErrorBody, OnlineQuery, OnlineResult, ParleyError, PresenceSetting, Uid } from '@parley/protocol';
import { Type } from 'typebox';
import type { Routes } from '../routes.js';

const UidParams = Type.Object({ uid: Uid });
const errors = { '4xx': ErrorBody };
const admin = { tags: ['admin: users'], security: [{ appSecret: [] }] };
const PresenceSettingResult = Type.Object({ uid: Uid, hidden: Type.Boolean() }, { title: 'PresenceSettingResult' });

/** Presence for the app's server: who is online on any node, and a user's choice to hide it. */
export const adminPresenceRoutes: Routes = (app, ctx) => {
  app.post(
    '/v1/admin/users/online',
    {
      schema: {
        ...admin,
        summary: 'Online status of up to 1000 users: their devices on every node, lastSeen, and whether they hide it',
        body: OnlineQuery,
        response: { 200: OnlineResult, ...errors },
      },
    },
    async (req) => ({ users: await ctx.presence.online(req.body.uids) }),
  );
  app.put(
    '/v1/admin/users/:uid/presence',
    {
      schema: {
        ...admin,
        summary: "Hide a user's presence (other users see them offline, with no lastSeen), or show it again",
        params: UidParams,
        body: PresenceSetting,
        response: { 200: PresenceSettingResult, ...errors },
      },
    },
    async (req) => {
      if (!(await ctx.presence.setHidden(req.params.uid, req.body.hidden))) throw new ParleyError('user.not_found');
      return { uid: req.params.uid, hidden: req.body.hidden };
    },
  );
};

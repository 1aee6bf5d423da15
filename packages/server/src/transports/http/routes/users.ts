import { ErrorBody, ParleyError, Profile, ProfilesQuery, ProfilesResult, Uid } from '@parley/protocol';
import { Type } from 'typebox';
import type { Routes } from '../routes.js';

const UidParams = Type.Object({ uid: Uid });
const errors = { '4xx': ErrorBody };
const tags = { tags: ['users'], security: [{ bearer: [] }] };
const visibility =
  'Only users you may see (PARLEY_PROFILES_VISIBLE): yourself and, by default, those you share a 1:1 chat or a group with; `all` shows anyone.';

/** Other users' names and avatars, for clients to show instead of uids. */
export const userRoutes: Routes = (app, ctx) => {
  const everyone = ctx.config.profilesVisible === 'all';
  app.get(
    '/v1/users/:uid',
    {
      schema: {
        ...tags,
        summary: "A user's name and avatar",
        description: `${visibility} Anyone else, or an unknown uid, is 404 user.not_found: the answer does not tell them apart.`,
        params: UidParams,
        response: { 200: Profile, ...errors },
      },
    },
    async (req) => {
      const [profile] = await ctx.users.profiles(req.uid, [req.params.uid], everyone);
      if (!profile) throw new ParleyError('user.not_found');
      return profile;
    },
  );
  app.post(
    '/v1/users/batch',
    {
      schema: {
        ...tags,
        summary: 'Names and avatars of up to 100 users',
        description: `${visibility} Others are left out of the answer.`,
        body: ProfilesQuery,
        response: { 200: ProfilesResult, ...errors },
      },
    },
    async (req) => ({ users: await ctx.users.profiles(req.uid, req.body.uids, everyone) }),
  );
};

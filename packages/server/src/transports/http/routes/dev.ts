import {
  DevGroupCreateBody,
  DevGroupMembersBody,
  DevLoginBody,
  ErrorBody,
  Group,
  GroupId,
  GroupMembersAdded,
  ParleyError,
  TokenResult,
} from '@parley/protocol';
import type { onRequestAsyncHookHandler } from 'fastify';
import { Type } from 'typebox';
import type { AppContext } from '../../../app-context.js';
import { RateLimiter } from '../../../domain/messages/rate-limiter.js';
import { requireUser } from '../auth.js';
import type { Routes } from '../routes.js';

const GroupParams = Type.Object({ groupId: GroupId });
const dev = { tags: ['development'] };
const userDev = { ...dev, security: [{ bearer: [] }] };
const errors = { '4xx': ErrorBody };

/** Refuses before anything else is read: outside development mode these endpoints do not exist for anyone. */
const developmentOnly =
  (ctx: AppContext): onRequestAsyncHookHandler =>
  async () => {
    if (ctx.config.mode !== 'development') throw new ParleyError('dev.disabled');
  };

/**
 * What the web app needs on a fresh checkout, where no app server calls the admin API: anyone may
 * log in by uid, create a group, add people to it and leave it. Development mode only.
 */
export const devRoutes: Routes = (app, ctx) => {
  // Dev login creates users: unthrottled, one script could fill the database from one address.
  const logins = new RateLimiter(ctx.config.limits.devLoginRatePerSec, ctx.config.limits.devLoginBurst);
  app.post(
    '/v1/dev/login',
    {
      schema: {
        ...dev,
        summary: 'Log in as any uid (development mode only); creates the user if needed',
        body: DevLoginBody,
        response: { 200: TokenResult, 403: ErrorBody, 429: ErrorBody },
      },
    },
    async (req) => {
      // Its own code, older than dev.disabled; kept, as codes are never renamed.
      if (ctx.config.mode !== 'development') throw new ParleyError('auth.dev_login_disabled');
      if (!logins.take(req.ip)) throw new ParleyError('rate.limited', 'Too many dev logins from this address; try again shortly');
      const existing = await ctx.storage.users.get(req.body.uid);
      if (!existing) await ctx.users.upsert(req.body.uid, {});
      return ctx.tokens.issue(req.body.uid);
    },
  );

  // Development mode first, then the caller: both before the body is read.
  const onRequest = [developmentOnly(ctx), requireUser(ctx)];
  app.post(
    '/v1/dev/groups',
    {
      onRequest,
      schema: {
        ...userDev,
        summary: 'Create a group you own, with the members (development mode only)',
        description:
          'Creates uids that are not users yet. Posts the notice `<you> created the group "<name or id>"` into the group as you (content type 1000, kind parley.notice, redDot false), so it appears in every member’s conversation list.',
        body: DevGroupCreateBody,
        response: { 200: Group, ...errors },
      },
    },
    async (req) => ctx.devGroups.create(req.uid, req.body),
  );
  app.post(
    '/v1/dev/groups/:groupId/members',
    {
      onRequest,
      schema: {
        ...userDev,
        summary: 'Add people to a group you are a member of (development mode only)',
        description:
          'Creates uids that are not users yet. When someone was added, posts the notice `<you> added <uid>, <uid>` into the group as you.',
        params: GroupParams,
        body: DevGroupMembersBody,
        response: { 200: GroupMembersAdded, ...errors },
      },
    },
    async (req) => ctx.devGroups.addMembers(req.uid, req.params.groupId, req.body.uids),
  );
  app.post(
    '/v1/dev/groups/:groupId/leave',
    {
      onRequest,
      schema: {
        ...userDev,
        summary: 'Leave a group you are a member of (development mode only)',
        description:
          'Posts the notice `<you> left the group` into the group as you, then removes you; the answer is the group as it is now. Its owner cannot leave (409 group.owner_cannot_leave); a dismissed group is left without a notice.',
        params: GroupParams,
        response: { 200: Group, ...errors },
      },
    },
    async (req) => ctx.devGroups.leave(req.uid, req.params.groupId),
  );
};

import {
  ErrorBody,
  TokenRequestBody,
  TokenResult,
  Uid,
  UidsBody,
  User,
  UserBanBody,
  UserBatchBody,
  UserUpdateBody,
  UserUpsertBody,
} from '@parley/protocol';
import { Type } from 'typebox';
import type { Routes } from '../routes.js';

const UidParams = Type.Object({ uid: Uid });
const Blacklist = Type.Object({ uids: Type.Array(Type.String()) });
const errors = { '4xx': ErrorBody };
const admin = { tags: ['admin: users'], security: [{ appSecret: [] }] };

export const adminUserRoutes: Routes = (app, ctx) => {
  app.post(
    '/v1/admin/users',
    {
      schema: { ...admin, summary: 'Register a user, or update one', body: UserUpsertBody, response: { 200: User, ...errors } },
    },
    async (req) => {
      const { uid, ...patch } = req.body;
      return ctx.users.upsert(uid, patch);
    },
  );
  app.post(
    '/v1/admin/users/batch',
    {
      schema: {
        ...admin,
        summary: 'Register or update up to 1000 users',
        body: UserBatchBody,
        response: { 200: Type.Object({ count: Type.Integer() }), ...errors },
      },
    },
    async (req) => ({ count: await ctx.users.upsertMany(req.body.users) }),
  );
  app.get(
    '/v1/admin/users/:uid',
    { schema: { ...admin, summary: 'A user', params: UidParams, response: { 200: User, ...errors } } },
    async (req) => ctx.users.require(req.params.uid),
  );
  app.patch(
    '/v1/admin/users/:uid',
    {
      schema: { ...admin, summary: 'Update a user', params: UidParams, body: UserUpdateBody, response: { 200: User, ...errors } },
    },
    async (req) => ctx.users.update(req.params.uid, req.body),
  );
  app.post(
    '/v1/admin/users/:uid/token',
    {
      schema: {
        ...admin,
        summary: 'Issue a client token',
        params: UidParams,
        body: Type.Optional(TokenRequestBody),
        response: { 200: TokenResult, ...errors },
      },
    },
    async (req) => ctx.users.issueToken(req.params.uid, req.body?.expiresInSeconds),
  );
  app.post(
    '/v1/admin/users/:uid/ban',
    {
      schema: {
        ...admin,
        summary: 'Ban a user (every connection closed with 4011, tokens refused with auth.banned, sends with reason 19), or unban',
        params: UidParams,
        body: UserBanBody,
        response: { 200: User, ...errors },
      },
    },
    async (req) => ctx.userBan.setBanned(req.params.uid, req.body.banned),
  );
  app.get(
    '/v1/admin/users/:uid/blacklist',
    {
      schema: { ...admin, summary: "A user's blacklist", params: UidParams, response: { 200: Blacklist, ...errors } },
    },
    async (req) => ({
      uids: await ctx.users.blacklist(req.params.uid),
    }),
  );
  app.post(
    '/v1/admin/users/:uid/blacklist',
    {
      schema: {
        ...admin,
        summary: 'Block users: their messages to this user are refused (reason 4)',
        params: UidParams,
        body: UidsBody,
        response: { 200: Blacklist, ...errors },
      },
    },
    async (req) => ({ uids: await ctx.users.block(req.params.uid, req.body.uids) }),
  );
  app.post(
    '/v1/admin/users/:uid/blacklist/remove',
    {
      schema: { ...admin, summary: 'Unblock users', params: UidParams, body: UidsBody, response: { 200: Blacklist, ...errors } },
    },
    async (req) => ({ uids: await ctx.users.unblock(req.params.uid, req.body.uids) }),
  );
};

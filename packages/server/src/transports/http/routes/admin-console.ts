import {
  AdminConfig,
  AdminStats,
  ErrorBody,
  GroupListQuery,
  GroupListResult,
  Uid,
  UserGroupsQuery,
  UserGroupsResult,
  UserListQuery,
  UserListResult,
} from '@parley/protocol';
import { Type } from 'typebox';
import { configEntries } from '../../../domain/admin/config-view.js';
import { adminStats } from '../../../observability/admin-stats.js';
import type { Routes } from '../routes.js';

const errors = { '4xx': ErrorBody };
const security = [{ appSecret: [] }];

/** The admin API's reads behind the admin console (`/admin`): finding users and groups, live figures, the configuration. */
export const adminConsoleRoutes: Routes = (app, ctx) => {
  app.get(
    '/v1/admin/users',
    {
      schema: {
        tags: ['admin: users'],
        security,
        summary: 'Find users by uid prefix, a page at a time in uid order',
        querystring: UserListQuery,
        response: { 200: UserListResult, ...errors },
      },
    },
    async (req) => ctx.directory.listUsers(req.query),
  );
  app.get(
    '/v1/admin/users/:uid/groups',
    {
      schema: {
        tags: ['admin: users'],
        security,
        summary: "A user's groups, with their role and mute in each",
        params: Type.Object({ uid: Uid }),
        querystring: UserGroupsQuery,
        response: { 200: UserGroupsResult, ...errors },
      },
    },
    async (req) => ctx.directory.groupsOf(req.params.uid, req.query.limit),
  );
  app.get(
    '/v1/admin/groups',
    {
      schema: {
        tags: ['admin: groups'],
        security,
        summary: 'Find groups and super groups by id prefix, a page at a time in id order',
        querystring: GroupListQuery,
        response: { 200: GroupListResult, ...errors },
      },
    },
    async (req) => ctx.directory.listGroups(req.query),
  );
  app.get(
    '/v1/admin/stats',
    {
      schema: {
        tags: ['admin: operations'],
        security,
        summary: "This node's live figures, from the registry /metrics serves",
        response: { 200: AdminStats, ...errors },
      },
    },
    async () => adminStats(ctx.metrics, ctx.config.nodeId, Date.now()),
  );
  app.get(
    '/v1/admin/config',
    {
      schema: {
        tags: ['admin: operations'],
        security,
        summary: 'The active configuration, every secret masked',
        response: { 200: AdminConfig, ...errors },
      },
    },
    async () => ({ entries: configEntries(ctx.config) }),
  );
};

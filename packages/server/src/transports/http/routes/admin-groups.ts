import {
  AdminsBody,
  ErrorBody,
  Group,
  GroupCreateBody,
  GroupId,
  GroupMember,
  GroupRetention,
  GroupRetentionBody,
  GroupUpdateBody,
  MemberMuteBody,
  MuteAllBody,
  OwnerBody,
  Uid,
  UidsBody,
  WhitelistBody,
} from '@parley/protocol';
import { Type } from 'typebox';
import type { Routes } from '../routes.js';

const GroupParams = Type.Object({ groupId: GroupId });
const MemberParams = Type.Object({ groupId: GroupId, uid: Uid });
const Members = Type.Object({ members: Type.Array(GroupMember) });
const Uids = Type.Object({ uids: Type.Array(Type.String()) });
const errors = { '4xx': ErrorBody };
const admin = { tags: ['admin: groups'], security: [{ appSecret: [] }] };

export const adminGroupRoutes: Routes = (app, ctx) => {
  const g = ctx.groups;
  app.post(
    '/v1/admin/groups',
    {
      schema: { ...admin, summary: 'Create a group (2) or super group (3)', body: GroupCreateBody, response: { 200: Group, ...errors } },
    },
    async (req) => g.create(req.body),
  );
  app.get(
    '/v1/admin/groups/:groupId',
    { schema: { ...admin, summary: 'A group', params: GroupParams, response: { 200: Group, ...errors } } },
    async (req) => g.get(req.params.groupId),
  );
  app.patch(
    '/v1/admin/groups/:groupId',
    {
      schema: {
        ...admin,
        summary: 'Rename, allow history for new members, ban',
        params: GroupParams,
        body: GroupUpdateBody,
        response: { 200: Group, ...errors },
      },
    },
    async (req) => g.update(req.params.groupId, req.body),
  );
  app.delete(
    '/v1/admin/groups/:groupId',
    {
      schema: {
        ...admin,
        summary: 'Dismiss: every later send is refused (reason 24)',
        params: GroupParams,
        response: { 200: Group, ...errors },
      },
    },
    async (req) => g.dismiss(req.params.groupId),
  );
  app.get(
    '/v1/admin/groups/:groupId/members',
    { schema: { ...admin, summary: 'Members', params: GroupParams, response: { 200: Members, ...errors } } },
    async (req) => ({
      members: await g.members(req.params.groupId),
    }),
  );
  app.post(
    '/v1/admin/groups/:groupId/members',
    {
      schema: {
        ...admin,
        summary: 'Add members (up to 1000 per call)',
        params: GroupParams,
        body: UidsBody,
        response: { 200: Type.Object({ added: Type.Array(Type.String()), group: Group }), ...errors },
      },
    },
    async (req) => g.addMembers(req.params.groupId, req.body.uids),
  );
  app.post(
    '/v1/admin/groups/:groupId/members/remove',
    {
      schema: {
        ...admin,
        summary: 'Remove members',
        params: GroupParams,
        body: UidsBody,
        response: { 200: Type.Object({ removed: Type.Array(Type.String()), group: Group }), ...errors },
      },
    },
    async (req) => g.removeMembers(req.params.groupId, req.body.uids),
  );
  app.put(
    '/v1/admin/groups/:groupId/owner',
    {
      schema: {
        ...admin,
        summary: 'Transfer ownership to a member',
        params: GroupParams,
        body: OwnerBody,
        response: { 200: Group, ...errors },
      },
    },
    async (req) => g.transferOwner(req.params.groupId, req.body.uid),
  );
  app.put(
    '/v1/admin/groups/:groupId/admins',
    {
      schema: {
        ...admin,
        summary: 'Make members admins, or members again',
        params: GroupParams,
        body: AdminsBody,
        response: { 200: Members, ...errors },
      },
    },
    async (req) => ({ members: await g.setAdmins(req.params.groupId, req.body.uids, req.body.isAdmin) }),
  );
  app.put(
    '/v1/admin/groups/:groupId/mute',
    {
      schema: {
        ...admin,
        summary: 'Mute everyone but owner, admins and whitelisted members',
        params: GroupParams,
        body: MuteAllBody,
        response: { 200: Group, ...errors },
      },
    },
    async (req) => g.muteAll(req.params.groupId, req.body.muteAll),
  );
  app.put(
    '/v1/admin/groups/:groupId/members/:uid/mute',
    {
      schema: {
        ...admin,
        summary: 'Mute one member (reason 25), for a while or until unmuted',
        params: MemberParams,
        body: MemberMuteBody,
        response: { 200: GroupMember, ...errors },
      },
    },
    async (req) => g.muteMember(req.params.groupId, req.params.uid, req.body.muted, req.body.durationSeconds),
  );
  app.get(
    '/v1/admin/groups/:groupId/whitelist',
    { schema: { ...admin, summary: 'The whitelist', params: GroupParams, response: { 200: Uids, ...errors } } },
    async (req) => ({
      uids: await g.whitelist(req.params.groupId),
    }),
  );
  app.put(
    '/v1/admin/groups/:groupId/whitelist',
    {
      schema: {
        ...admin,
        summary: 'Replace the whitelist: when set, only its members, owner and admins may send (reason 13)',
        params: GroupParams,
        body: WhitelistBody,
        response: { 200: Uids, ...errors },
      },
    },
    async (req) => ({ uids: await g.setWhitelist(req.params.groupId, req.body.uids) }),
  );
  app.get(
    '/v1/admin/groups/:groupId/retention',
    {
      schema: {
        ...admin,
        summary: "How long the group keeps its messages: its own setting, the server's default and what applies",
        params: GroupParams,
        response: { 200: GroupRetention, ...errors },
      },
    },
    async (req) => ctx.groupRetention.get(req.params.groupId),
  );
  app.put(
    '/v1/admin/groups/:groupId/retention',
    {
      schema: {
        ...admin,
        summary: "Set how long the group keeps its messages (days; 0 forever; null the server's default)",
        params: GroupParams,
        body: GroupRetentionBody,
        response: { 200: GroupRetention, ...errors },
      },
    },
    async (req) => ctx.groupRetention.set(req.params.groupId, req.body.retentionDays),
  );
};

import { ErrorBody, Group, GroupId, GroupMemberList, MEMBER_LIST_LIMIT } from '@parley/protocol';
import { Type } from 'typebox';
import type { Routes } from '../routes.js';

const GroupParams = Type.Object({ groupId: GroupId });
const errors = { '4xx': ErrorBody };
const tags = { tags: ['groups'], security: [{ bearer: [] }] };
const membersOnly = 'Members only: anyone else gets 403 conversation.forbidden; an unknown group 404 group.not_found.';

/** Groups read by their members, in every mode (managing them is the admin API's job). */
export const groupRoutes: Routes = (app, ctx) => {
  app.get(
    '/v1/groups/:groupId',
    {
      schema: {
        ...tags,
        summary: 'A group you are a member of',
        description: membersOnly,
        params: GroupParams,
        response: { 200: Group, ...errors },
      },
    },
    async (req) => ctx.memberGroups.get(req.uid, req.params.groupId),
  );
  app.get(
    '/v1/groups/:groupId/members',
    {
      schema: {
        ...tags,
        summary: `Its members, in joining order (at most ${MEMBER_LIST_LIMIT})`,
        description: `${membersOnly} A super group may have more than ${MEMBER_LIST_LIMIT} members (compare group.memberCount): this returns the first ${MEMBER_LIST_LIMIT} to join.`,
        params: GroupParams,
        response: { 200: GroupMemberList, ...errors },
      },
    },
    async (req) => ({ members: await ctx.memberGroups.members(req.uid, req.params.groupId) }),
  );
};

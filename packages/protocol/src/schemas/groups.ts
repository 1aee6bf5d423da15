import { type Static, Type } from 'typebox';
import { Notice } from '../constants.js';
import { GroupId, Uid } from '../ids.js';
import { Group, GroupMember, Name } from './admin.js';

export { Notice } from '../constants.js';

/** A member's read of the member list returns at most this many; a super group may have more. */
export const MEMBER_LIST_LIMIT = 1000;

const NewMembers = Type.Array(Uid, {
  minItems: 1,
  maxItems: 100,
  description: 'At most 100 uids per call; in development mode, uids that are not users yet are created',
});

export const DevGroupCreateBody = Type.Object(
  {
    groupId: Type.Optional(GroupId),
    name: Type.Optional(Name),
    members: NewMembers,
  },
  {
    additionalProperties: false,
    description:
      'A group (channel type 2) owned by you, with you and the members. Without groupId a short, URL-safe id is generated. Development mode only.',
  },
);
export type DevGroupCreateBody = Static<typeof DevGroupCreateBody>;

export const DevGroupMembersBody = Type.Object({ uids: NewMembers }, { additionalProperties: false });
export type DevGroupMembersBody = Static<typeof DevGroupMembersBody>;

export const GroupMembersAdded = Type.Object({
  added: Type.Array(Type.String(), { description: 'The uids that were not members yet' }),
  group: Group,
});
export type GroupMembersAdded = Static<typeof GroupMembersAdded>;

export const GroupMemberList = Type.Object({
  members: Type.Array(GroupMember, {
    description: `In joining order, at most ${MEMBER_LIST_LIMIT}: when group.memberCount is larger (a super group), the first ${MEMBER_LIST_LIMIT} to join`,
  }),
});
export type GroupMemberList = Static<typeof GroupMemberList>;

/** The payload of a group notice (see `Notice`). */
export const NoticePayload = Type.Object({
  type: Type.Literal(Notice.contentType),
  kind: Type.Literal(Notice.kind),
  text: Type.String({ description: 'e.g. `alice created the group "Crew"`, `alice added bob, carol`' }),
});
export type NoticePayload = Static<typeof NoticePayload>;

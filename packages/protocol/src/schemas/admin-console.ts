import { type Static, Type } from 'typebox';
import { ID_PATTERN } from '../ids.js';
import { Group, User } from './admin.js';

/**
 * What the admin console (and any operator's tool) reads beside the admin API's writes: users and
 * groups found by id prefix, a user's groups, the node's live figures and its configuration.
 */

/** The start of an id, '' for any: the id rule's characters, at most as long as an id. */
const IdPrefix = Type.String({
  pattern: '^[A-Za-z0-9_.@-]{0,64}$',
  description: 'Only ids starting with this, case-sensitive; empty or absent: all',
});

export const UserListQuery = Type.Object(
  {
    prefix: Type.Optional(IdPrefix),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
    cursor: Type.Optional(
      Type.String({ pattern: ID_PATTERN, description: 'The `cursor` of the previous page: the next page starts after it' }),
    ),
  },
  { additionalProperties: false },
);
export type UserListQuery = Static<typeof UserListQuery>;

export const UserListResult = Type.Object({
  users: Type.Array(User, { description: 'In uid order (by code point)' }),
  cursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass back for the next page; null at the end' }),
});
export type UserListResult = Static<typeof UserListResult>;

export const GroupListQuery = Type.Object(
  {
    prefix: Type.Optional(IdPrefix),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
    cursor: Type.Optional(
      Type.String({ pattern: ID_PATTERN, description: 'The `cursor` of the previous page: the next page starts after it' }),
    ),
  },
  { additionalProperties: false },
);
export type GroupListQuery = Static<typeof GroupListQuery>;

export const GroupListResult = Type.Object({
  groups: Type.Array(Group, { description: 'Groups and super groups in id order (by code point), dismissed ones included' }),
  cursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass back for the next page; null at the end' }),
});
export type GroupListResult = Static<typeof GroupListResult>;

export const UserGroupsQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })) },
  { additionalProperties: false },
);

export const UserGroup = Type.Object({
  groupId: Type.String(),
  channelType: Type.Integer({ description: '2 group, 3 super group' }),
  name: Type.String(),
  role: Type.Integer({ description: '0 member, 1 admin, 2 owner' }),
  mutedUntil: Type.Integer({ description: '0 = not muted; ms since epoch, or -1 = until unmuted' }),
});
export type UserGroup = Static<typeof UserGroup>;

export const UserGroupsResult = Type.Object({
  groups: Type.Array(UserGroup, { description: 'The groups the user is a member of, in id order' }),
  hasMore: Type.Boolean({ description: 'More than `limit`: the list stops there' }),
});
export type UserGroupsResult = Static<typeof UserGroupsResult>;

const Count = Type.Integer({ minimum: 0 });

export const AdminStats = Type.Object({
  at: Type.Integer({ description: 'Server time of the sample (ms): rates are differences of two samples over their `at`' }),
  nodeId: Type.Integer({ description: 'PARLEY_NODE_ID: the figures are this node’s own' }),
  uptimeSeconds: Type.Number(),
  onlineUsers: Type.Integer({ description: 'Users with at least one authenticated WebSocket on this node' }),
  connections: Type.Integer({ description: 'Authenticated WebSocket connections on this node' }),
  sends: Type.Object(
    {
      accepted: Type.Integer({ description: 'Sends answered with reason 1 (success) since the node started' }),
      refused: Type.Integer({ description: 'Sends answered with any other reason code' }),
      byReason: Type.Record(Type.String(), Count, { description: 'Reason code -> sends answered with it' }),
    },
    { description: 'parley_sends_total: counters, only ever growing while the node runs' },
  ),
  bus: Type.Object({
    connected: Type.Boolean(),
    published: Count,
    received: Count,
    reconnects: Count,
  }),
  residentMemoryBytes: Type.Integer(),
});
export type AdminStats = Static<typeof AdminStats>;

export const ConfigEntry = Type.Object({
  key: Type.String({ description: 'The field of the active configuration, e.g. `limits.textMaxChars`' }),
  value: Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null(), Type.Array(Type.String())]),
  masked: Type.Boolean({ description: 'true when the value, or a password in it, was replaced by ********' }),
});
export type ConfigEntry = Static<typeof ConfigEntry>;

export const AdminConfig = Type.Object({
  entries: Type.Array(ConfigEntry, { description: 'Every field of the active configuration, secrets masked, in key order' }),
});
export type AdminConfig = Static<typeof AdminConfig>;

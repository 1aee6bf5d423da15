import { type Static, Type } from 'typebox';
import { GroupId, Uid } from '../ids.js';
import { ClientMsgNo, Entity, Mentions, MessageHeader, MessageSetting, Payload } from './message.js';

/** Free text, without NUL (which PostgreSQL text cannot hold). */
const NO_NUL = '^[^\\u0000]*$';
/** A display name (users, groups). */
export const Name = Type.String({ maxLength: 128, pattern: NO_NUL });
const Avatar = Type.String({ maxLength: 1024, pattern: NO_NUL });
const Ext = Type.String({ maxLength: 4096, pattern: NO_NUL });
const UidList = Type.Array(Uid, { minItems: 1, maxItems: 1000, description: 'At most 1000 uids per call' });

export const UserUpsertBody = Type.Object(
  {
    uid: Uid,
    name: Type.Optional(Name),
    avatar: Type.Optional(Avatar),
    ext: Type.Optional(Ext),
  },
  { additionalProperties: false },
);
export type UserUpsertBody = Static<typeof UserUpsertBody>;

export const UserBatchBody = Type.Object(
  {
    users: Type.Array(
      Type.Object(
        { uid: Uid, name: Type.Optional(Name), avatar: Type.Optional(Avatar), ext: Type.Optional(Ext) },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 1000 },
    ),
  },
  { additionalProperties: false, description: 'Register or update up to 1000 users at once' },
);
export type UserBatchBody = Static<typeof UserBatchBody>;

export const UserUpdateBody = Type.Object(
  {
    name: Type.Optional(Name),
    avatar: Type.Optional(Avatar),
    ext: Type.Optional(Ext),
  },
  { additionalProperties: false },
);
export type UserUpdateBody = Static<typeof UserUpdateBody>;

export const User = Type.Object({
  uid: Type.String(),
  name: Type.String(),
  avatar: Type.String(),
  ext: Type.String(),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
  bannedAt: Type.Integer({ description: 'When the user was banned (ms); 0 when not banned' }),
});
export type User = Static<typeof User>;

export const UserBanBody = Type.Object(
  {
    banned: Type.Boolean({
      description: 'true: close every connection, refuse tokens and sends until unbanned; false: lift the ban',
    }),
  },
  { additionalProperties: false },
);
export type UserBanBody = Static<typeof UserBanBody>;

export const TokenRequestBody = Type.Object(
  {
    expiresInSeconds: Type.Optional(
      Type.Integer({ minimum: 60, maximum: 31_536_000, description: 'Default: the configured token lifetime' }),
    ),
  },
  { additionalProperties: false },
);

export const GroupCreateBody = Type.Object(
  {
    groupId: GroupId,
    channelType: Type.Union([Type.Literal(2), Type.Literal(3)], {
      description: '2 group, 3 super group (no per-member writes per message)',
    }),
    name: Type.Optional(Name),
    ownerUid: Uid,
    members: Type.Optional(Type.Array(Uid, { maxItems: 1000 })),
    allowHistory: Type.Optional(Type.Boolean({ description: 'New members see messages from before they joined' })),
  },
  { additionalProperties: false },
);
export type GroupCreateBody = Static<typeof GroupCreateBody>;

export const GroupUpdateBody = Type.Object(
  {
    name: Type.Optional(Name),
    allowHistory: Type.Optional(Type.Boolean()),
    banned: Type.Optional(Type.Boolean({ description: 'A banned group refuses every send (reason 19)' })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type GroupUpdateBody = Static<typeof GroupUpdateBody>;

export const Group = Type.Object({
  groupId: Type.String(),
  channelType: Type.Integer(),
  name: Type.String(),
  ownerUid: Type.String(),
  allowHistory: Type.Boolean(),
  banned: Type.Boolean(),
  muteAll: Type.Boolean(),
  dismissed: Type.Boolean(),
  memberCount: Type.Integer(),
  createdAt: Type.Integer(),
});
export type Group = Static<typeof Group>;

export const MemberRole = { Member: 0, Admin: 1, Owner: 2 } as const;

export const GroupMember = Type.Object({
  uid: Type.String(),
  role: Type.Integer({ description: '0 member, 1 admin, 2 owner' }),
  mutedUntil: Type.Integer({ description: '0 = not muted; ms since epoch, or -1 = until unmuted' }),
  joinedAt: Type.Integer(),
});
export type GroupMember = Static<typeof GroupMember>;

export const UidsBody = Type.Object({ uids: UidList }, { additionalProperties: false });
export type UidsBody = Static<typeof UidsBody>;

export const OwnerBody = Type.Object({ uid: Uid }, { additionalProperties: false });
export const AdminsBody = Type.Object({ uids: UidList, isAdmin: Type.Boolean() }, { additionalProperties: false });
export const MuteAllBody = Type.Object({ muteAll: Type.Boolean() }, { additionalProperties: false });
export const MemberMuteBody = Type.Object(
  {
    muted: Type.Boolean(),
    durationSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 31_536_000, description: 'Absent: until unmuted' })),
  },
  { additionalProperties: false },
);
export const WhitelistBody = Type.Object(
  { uids: Type.Array(Uid, { maxItems: 1000, description: 'The whole whitelist; empty turns it off' }) },
  { additionalProperties: false },
);

const RetentionDays = Type.Union(
  [
    Type.Integer({ minimum: 0, maximum: 36_500, description: 'Days a message is kept; 0 keeps messages forever' }),
    Type.Null({ description: "Follow the server's default (PARLEY_RETENTION_DAYS)" }),
  ],
  { description: "Days this group keeps its messages: 0 forever, null the server's default" },
);

export const GroupRetentionBody = Type.Object({ retentionDays: RetentionDays }, { additionalProperties: false });
export type GroupRetentionBody = Static<typeof GroupRetentionBody>;

export const GroupRetention = Type.Object({
  groupId: Type.String(),
  retentionDays: RetentionDays,
  defaultDays: Type.Integer({ description: "The server's default (PARLEY_RETENTION_DAYS); 0 keeps messages forever" }),
  effectiveDays: Type.Integer({ description: 'What applies: retentionDays, or defaultDays when that is null; 0 keeps messages forever' }),
});
export type GroupRetention = Static<typeof GroupRetention>;

export const AdminSendBody = Type.Object(
  {
    fromUid: Type.Optional(Uid),
    channelId: Type.String({ minLength: 1, maxLength: 64 }),
    channelType: Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3), Type.Literal(4)]),
    clientMsgNo: Type.Optional(ClientMsgNo),
    payload: Payload,
    header: Type.Optional(MessageHeader),
    setting: Type.Optional(MessageSetting),
    mentions: Type.Optional(Mentions),
    entities: Type.Optional(Type.Array(Entity, { maxItems: 100 })),
  },
  {
    additionalProperties: false,
    description:
      'Absent fromUid sends as the system. A person message from the system goes to channelType 4 with channelId = the recipient uid.',
  },
);
export type AdminSendBody = Static<typeof AdminSendBody>;

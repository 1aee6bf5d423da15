import { Type } from 'typebox';

/** Uids and group ids share one rule; ids are exact and case-sensitive everywhere. */
export const ID_PATTERN = '^[A-Za-z0-9_.@-]{1,64}$';
const idRegex = new RegExp(ID_PATTERN);

export const isValidId = (value: unknown): value is string => typeof value === 'string' && idRegex.test(value);

export const Uid = Type.String({
  pattern: ID_PATTERN,
  description: 'User id: 1-64 characters of [A-Za-z0-9_.@-], case-sensitive',
  examples: ['alice'],
});

export const GroupId = Type.String({
  pattern: ID_PATTERN,
  description: 'Group id: 1-64 characters of [A-Za-z0-9_.@-], case-sensitive',
  examples: ['g1'],
});

/** Sender id of messages the app's server sends "as the system"; it can never be registered. */
export const SYSTEM_UID = '__system__';

export const ChannelType = {
  Person: 1,
  Group: 2,
  SuperGroup: 3,
  System: 4,
} as const;
export type ChannelType = (typeof ChannelType)[keyof typeof ChannelType];

export const ChannelTypeSchema = Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3), Type.Literal(4)], {
  description: '1 person (1:1), 2 group, 3 super group, 4 system/notification',
});

export const DeviceFlag = { App: 1, Web: 2, Desktop: 3 } as const;
export const DeviceFlagSchema = Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3)], {
  description: '1 app, 2 web, 3 desktop',
});

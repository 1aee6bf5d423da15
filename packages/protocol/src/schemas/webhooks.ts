import { type Static, Type } from 'typebox';

/**
 * Webhooks as the admin API shows and sets them (docs/webhooks.md), and the names of the events a
 * receiver gets.
 */

/** Every event type the server posts, in the order docs/webhooks.md documents them. */
export const WebhookEventName = {
  MessageSent: 'message.sent',
  MessageOffline: 'message.offline',
  MessageRevoked: 'message.revoked',
  MessageEdited: 'message.edited',
  MessageStreamEnded: 'message.stream_ended',
  ConversationDeleted: 'conversation.deleted',
  UserOnline: 'user.online',
  UserOffline: 'user.offline',
  GroupCreated: 'group.created',
  GroupUpdated: 'group.updated',
  GroupDismissed: 'group.dismissed',
  GroupMembersAdded: 'group.members_added',
  GroupMembersRemoved: 'group.members_removed',
  GroupOwnerTransferred: 'group.owner_transferred',
  GroupRolesSet: 'group.roles_set',
  GroupMemberMuted: 'group.member_muted',
  GroupWhitelistSet: 'group.whitelist_set',
  GroupRetentionSet: 'group.retention_set',
} as const;
export type WebhookEventName = (typeof WebhookEventName)[keyof typeof WebhookEventName];

const Lane = Type.Object({
  lane: Type.Integer({ description: 'One of the 64 lanes that order the outbox (a channel’s events are all in one)' }),
  attempts: Type.Integer({ description: 'Failed deliveries since its last successful one' }),
  retryAt: Type.Integer({ description: 'The next attempt is not before this (ms)' }),
  lastError: Type.String({ description: 'Why the last attempt failed: `HTTP 503`, a timeout, a network error' }),
});

export const WebhookStatus = Type.Object({
  url: Type.Union([Type.String(), Type.Null()], {
    description: 'Where events are posted, credentials in it masked as ********; null: webhooks are off (nothing is recorded)',
  }),
  source: Type.Union([Type.Literal('admin'), Type.Literal('environment'), Type.Literal('none')], {
    description: 'admin: set through this API (stored, every node uses it); environment: PARLEY_WEBHOOK_URL; none: off',
  }),
  secret: Type.String({ description: 'Always ******** (PARLEY_WEBHOOK_SECRET, or the app secret when unset)' }),
  secretSource: Type.Union([Type.Literal('PARLEY_WEBHOOK_SECRET'), Type.Literal('PARLEY_APP_SECRET')]),
  pending: Type.Integer({ description: 'Events waiting to be delivered' }),
  deadLetters: Type.Integer({ description: 'Events given up on (see GET /v1/admin/webhook/dead-letters)' }),
  failing: Type.Array(Lane, { description: 'Lanes whose last delivery failed: their events wait for the next attempt' }),
});
export type WebhookStatus = Static<typeof WebhookStatus>;

export const WebhookUpdateBody = Type.Object(
  {
    url: Type.Union([Type.String({ maxLength: 2048 }), Type.Null()], {
      description: 'An http(s) URL; "" turns webhooks off whatever PARLEY_WEBHOOK_URL says; null goes back to PARLEY_WEBHOOK_URL',
    }),
  },
  { additionalProperties: false },
);
export type WebhookUpdateBody = Static<typeof WebhookUpdateBody>;

const Cursor = Type.String({ pattern: '^[0-9]{1,19}$', description: 'The `cursor` of the previous page: the next page starts after it' });

export const DeadLetterQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);
export type DeadLetterQuery = Static<typeof DeadLetterQuery>;

export const DeadLetter = Type.Object({
  id: Type.String({ description: 'The event id, as it was posted' }),
  type: Type.String(),
  createdAt: Type.Integer(),
  diedAt: Type.Integer({ description: 'When it was given up on (ms)' }),
  lastError: Type.String({ description: 'Why its last delivery failed' }),
  data: Type.Unknown({ description: 'The event’s data as it was posted (a message.offline without its unreadTotal, added at each POST)' }),
});
export type DeadLetter = Static<typeof DeadLetter>;

export const DeadLetterPage = Type.Object({
  deadLetters: Type.Array(DeadLetter, { description: 'Oldest first' }),
  cursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass back for the next page; null at the end' }),
});
export type DeadLetterPage = Static<typeof DeadLetterPage>;

export const ReplayBody = Type.Object(
  {
    ids: Type.Optional(
      Type.Array(Type.String({ pattern: '^[0-9]{1,20}$', description: 'An event id (digits)' }), {
        minItems: 1,
        maxItems: 1000,
        description: 'The event ids to deliver again; without it, the oldest 1000 dead letters',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ReplayBody = Static<typeof ReplayBody>;

export const ReplayResult = Type.Object({
  replayed: Type.Integer({ description: 'Dead letters moved back into the outbox, each at its old place in its channel’s order' }),
  remaining: Type.Integer({ description: 'Dead letters left' }),
});
export type ReplayResult = Static<typeof ReplayResult>;

export const DiscardBody = Type.Object(
  {
    ids: Type.Optional(
      Type.Array(Type.String({ pattern: '^[0-9]{1,20}$', description: 'An event id (digits)' }), {
        minItems: 1,
        maxItems: 1000,
        description: 'The event ids to delete for good; without it, the oldest 1000 dead letters',
      }),
    ),
  },
  { additionalProperties: false },
);
export type DiscardBody = Static<typeof DiscardBody>;

export const DiscardResult = Type.Object({
  discarded: Type.Integer({ description: 'Dead letters deleted for good' }),
  remaining: Type.Integer({ description: 'Dead letters left' }),
});
export type DiscardResult = Static<typeof DiscardResult>;

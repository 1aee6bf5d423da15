import type { ChannelType } from '@parley/protocol';
import type { IdPageQuery } from './users.js';
import type { EventsOf } from './webhook-outbox.js';

export interface ChannelKey {
  channelType: ChannelType;
  /** Internal id: the group id, or for a person channel both uids sorted and joined by `|`. */
  channelId: string;
}

export interface ChannelRecord extends ChannelKey {
  name: string;
  ownerUid: string;
  allowHistory: boolean;
  banned: boolean;
  muteAll: boolean;
  dismissed: boolean;
  memberCount: number;
  maxSeq: number;
  lastMessageAt: number;
  createdAt: number;
  /** The group's own retention (see RetentionStore): null follows the server's default, 0 keeps forever. */
  retentionDays: number | null;
  /** Retention removed every message at or below this seq (0: none removed). */
  purgedSeq: number;
  /** Countable (redDot) messages up to purgedSeq: where unread counting resumes after them. */
  purgedOrd: number;
}

export interface MemberRecord {
  uid: string;
  /** 0 member, 1 admin, 2 owner (one per group). */
  role: number;
  /** 0 not muted, -1 muted until unmuted, else ms since epoch. */
  mutedUntil: number;
  /** The channel's maxSeq when the member joined: the floor of their history window. */
  joinSeq: number;
  joinedAt: number;
}

/** One group of a user, as `ChannelStore.groupsOf` lists it. */
export interface MembershipRecord extends ChannelKey {
  name: string;
  role: number;
  mutedUntil: number;
}

/** What the send policy needs to know about a sender and a group, read in one call. */
export interface GroupSendFacts {
  channel: ChannelRecord | undefined;
  member: MemberRecord | undefined;
  whitelistSize: number;
  senderWhitelisted: boolean;
  /** The sender is a banned user (see UserStore.setBanned). */
  senderBanned: boolean;
}

export interface NewGroup extends ChannelKey {
  name: string;
  ownerUid: string;
  allowHistory: boolean;
}

/**
 * Groups, super groups and their members.
 * - Each method is atomic; `memberCount` always equals the number of member rows.
 * - Adding a member who is present, or removing one who is absent, changes nothing (idempotent).
 * - A member's `joinSeq` is the channel's `maxSeq` at the moment of joining, read in the same transaction;
 *   membership changes and message commits of one channel are serialized (see MessageStore), so a
 *   message is either at or below a joiner's `joinSeq` or reaches them.
 * - Group ids are one namespace for types 2 and 3; person channels (type 1) are created by their
 *   first message (MessageStore.commit), never here.
 * - Uid lists that methods return are in the order the caller named them, each uid once, unless stated.
 */
export interface ChannelStore {
  /**
   * Creates the group (maxSeq 0) with its owner (role 2) and the other members (role 0; the owner or
   * a uid named twice is added once); false, writing nothing, if a group of either type has the id,
   * also when two creates of one id race. `events` is called with the members added (the owner
   * first) when the group is created.
   */
  createGroup(group: NewGroup, memberUids: readonly string[], now: number, events?: EventsOf<readonly string[]>): Promise<boolean>;
  /** The channel, or undefined. */
  get(key: ChannelKey): Promise<ChannelRecord | undefined>;
  /** Looks a group id up whatever its type (2 or 3 share one namespace). */
  findGroup(groupId: string): Promise<ChannelRecord | undefined>;
  /**
   * Sets the fields given, leaving the others; an empty patch or an unknown channel changes nothing.
   * `events` is called when the channel exists and the patch is not empty.
   */
  update(
    key: ChannelKey,
    patch: Partial<Pick<ChannelRecord, 'name' | 'allowHistory' | 'banned' | 'muteAll' | 'dismissed'>>,
    now: number,
    events?: EventsOf<void>,
  ): Promise<void>;
  /**
   * Adds the absent uids (role 0); returns the uids actually added ([] for an unknown channel).
   * `events` is called with them when there are any.
   */
  addMembers(key: ChannelKey, uids: readonly string[], now: number, events?: EventsOf<readonly string[]>): Promise<string[]>;
  /** Returns the uids actually removed; `events` is called with them when there are any. */
  removeMembers(key: ChannelKey, uids: readonly string[], events?: EventsOf<readonly string[]>): Promise<string[]>;
  /** The member, or undefined. */
  member(key: ChannelKey, uid: string): Promise<MemberRecord | undefined>;
  /** In joining order (ties by uid); at most `limit` when given, so a huge super group is never read whole. */
  members(key: ChannelKey, limit?: number): Promise<MemberRecord[]>;
  /**
   * Sets the role (0 or 1) of the named members other than the owner (see transferOwner); returns
   * them, whether or not their role was already `role` (a uid named twice may come twice).
   * `events` is called with them when there are any.
   */
  setRole(key: ChannelKey, uids: readonly string[], role: number, events?: EventsOf<readonly string[]>): Promise<string[]>;
  /**
   * Makes `uid` (a member: the caller checks) the owner, role 2, and the previous owner an admin,
   * role 1, atomically; nothing when `uid` owns the channel already or the channel is unknown.
   * `events` is called with the previous owner's uid when the owner changed.
   */
  transferOwner(key: ChannelKey, uid: string, events?: EventsOf<string>): Promise<void>;
  /** Sets a member's `mutedUntil`; false when `uid` is not a member. `events` is called when it is. */
  setMemberMute(key: ChannelKey, uid: string, mutedUntil: number, events?: EventsOf<void>): Promise<boolean>;
  /**
   * Replaces the whole whitelist: two racing replacements leave one of them, never their union.
   * `events` is called every time (a replacement is a change, even by the same list).
   */
  setWhitelist(key: ChannelKey, uids: readonly string[], events?: EventsOf<void>): Promise<void>;
  /** The whitelisted uids, sorted. */
  whitelist(key: ChannelKey): Promise<string[]>;
  /**
   * The channel, the sender's member record, the whitelist's size and whether it holds the sender,
   * and whether the sender is banned, as of one moment; for an unknown channel every field is empty
   * (undefined, 0, false). What a send is checked against: the channel's message counters (`maxSeq`,
   * `lastMessageAt`) may be older than its last commit (a store may keep these facts between sends;
   * every other field is current). Read `get` for them.
   */
  groupSendFacts(key: ChannelKey, senderUid: string): Promise<GroupSendFacts>;
  /** Ids of the super groups (type 3) `uid` belongs to, in no particular order: a node subscribes to their delivery topics. */
  superGroupsOf(uid: string): Promise<string[]>;
  /**
   * Groups and super groups (types 2 and 3, dismissed ones included) whose id starts with
   * `query.prefix` and sorts after `query.after`, in id order by code point, at most `query.limit`
   * (keyset pages, as `UserStore.list`). Person channels are never listed.
   */
  listGroups(query: IdPageQuery): Promise<ChannelRecord[]>;
  /** The groups and super groups `uid` is a member of, with their name and the member's role and mute, in id order, at most `limit`. */
  groupsOf(uid: string, limit: number): Promise<MembershipRecord[]>;
}

import type { ChannelType } from '@parley/protocol';

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
}

export interface MemberRecord {
  uid: string;
  role: number;
  /** 0 not muted, -1 muted until unmuted, else ms since epoch. */
  mutedUntil: number;
  /** The channel's maxSeq when the member joined: the floor of their history window. */
  joinSeq: number;
  joinedAt: number;
}

/** What the send policy needs to know about a sender and a group, read in one call. */
export interface GroupSendFacts {
  channel: ChannelRecord | undefined;
  member: MemberRecord | undefined;
  whitelistSize: number;
  senderWhitelisted: boolean;
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
 * - A member's `joinSeq` is the channel's `maxSeq` at the moment of joining, read in the same transaction.
 */
export interface ChannelStore {
  /** Creates the group with its owner (role 2) and members; false if the id is taken. */
  createGroup(group: NewGroup, memberUids: readonly string[], now: number): Promise<boolean>;
  get(key: ChannelKey): Promise<ChannelRecord | undefined>;
  /** Looks a group id up whatever its type (2 or 3 share one namespace). */
  findGroup(groupId: string): Promise<ChannelRecord | undefined>;
  update(
    key: ChannelKey,
    patch: Partial<Pick<ChannelRecord, 'name' | 'allowHistory' | 'banned' | 'muteAll' | 'dismissed'>>,
    now: number,
  ): Promise<void>;
  addMembers(key: ChannelKey, uids: readonly string[], now: number): Promise<string[]>;
  /** Returns the uids actually removed. */
  removeMembers(key: ChannelKey, uids: readonly string[]): Promise<string[]>;
  member(key: ChannelKey, uid: string): Promise<MemberRecord | undefined>;
  /** In joining order (ties by uid); at most `limit` when given, so a huge super group is never read whole. */
  members(key: ChannelKey, limit?: number): Promise<MemberRecord[]>;
  /** Sets the role of existing members; returns the uids changed. */
  setRole(key: ChannelKey, uids: readonly string[], role: number): Promise<string[]>;
  /** Makes `uid` the owner and the previous owner an admin, atomically. */
  transferOwner(key: ChannelKey, uid: string): Promise<void>;
  setMemberMute(key: ChannelKey, uid: string, mutedUntil: number): Promise<boolean>;
  /** Replaces the whole whitelist. */
  setWhitelist(key: ChannelKey, uids: readonly string[]): Promise<void>;
  whitelist(key: ChannelKey): Promise<string[]>;
  groupSendFacts(key: ChannelKey, senderUid: string): Promise<GroupSendFacts>;
  /** Ids of the super groups (type 3) `uid` belongs to: a node subscribes to their delivery topics. */
  superGroupsOf(uid: string): Promise<string[]>;
}

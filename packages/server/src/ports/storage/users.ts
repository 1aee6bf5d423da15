import type { User } from '@parley/protocol';

/** A page of ids for an operator looking something up: see `UserStore.list` and `ChannelStore.listGroups`. */
export interface IdPageQuery {
  /** Only ids starting with it, case-sensitive; '' for all. Made of the id rule's characters (ASCII). */
  prefix: string;
  /** Only ids sorting after it (the last id of the previous page); undefined from the start. */
  after: string | undefined;
  /** At most this many, at least 1. */
  limit: number;
}

export interface UserPatch {
  name?: string;
  avatar?: string;
  ext?: string;
}

export interface PersonSendFacts {
  peerExists: boolean;
  blockedByPeer: boolean;
  senderBanned: boolean;
}

export interface TokenStanding {
  erasedAt: number | undefined;
  bannedAt: number;
  /** Tokens issued at or before it are refused (`revokeTokens`); 0 when never revoked or not a user. */
  tokensRevokedAt: number;
}

/**
 * Users and their blacklists.
 * - `upsert` is atomic per user: it creates the user or changes only the fields given.
 * - Blacklist writes are idempotent: adding a present uid or removing an absent one changes nothing.
 * - Nothing here checks that a named uid exists: the domain does, where it matters.
 */
export interface UserStore {
  /**
   * Creates the user (fields not given are '', createdAt = updatedAt = now) or changes only the
   * fields given and sets updatedAt = now; returns the user as stored.
   */
  upsert(uid: string, patch: UserPatch, now: number): Promise<User>;
  /**
   * `upsert` for each entry, in array order, in one transaction (a uid given twice ends with the later
   * entry's fields over the earlier's); returns how many entries were given.
   */
  upsertMany(users: ReadonlyArray<{ uid: string } & UserPatch>, now: number): Promise<number>;
  /** The user, or undefined. */
  get(uid: string): Promise<User | undefined>;
  /** The subset of `uids` that exist, in no particular order. */
  existing(uids: readonly string[]): Promise<string[]>;
  /** Adds each uid to `ownerUid`'s blacklist, once however often it is named or was added before. */
  addToBlacklist(ownerUid: string, uids: readonly string[], now: number): Promise<void>;
  /** Removes each uid from `ownerUid`'s blacklist; absent ones are ignored. */
  removeFromBlacklist(ownerUid: string, uids: readonly string[]): Promise<void>;
  /**
   * What sending to a person channel needs to know, in one read: does `peerUid` exist, does it block
   * `senderUid`, and is `senderUid` banned (false for a uid that is not a user).
   */
  personSendFacts(senderUid: string, peerUid: string): Promise<PersonSendFacts>;
  /**
   * Bans `uid` (`banned`: bannedAt = `now`, or kept as it is when the user is banned already, so it
   * says since when) or lifts the ban (bannedAt = 0); updatedAt does not change. Returns the user as
   * stored, or undefined (and nothing written) when there is no such user.
   */
  setBanned(uid: string, banned: boolean, now: number): Promise<User | undefined>;
  /**
   * What a token check needs to know of `uid`, in one statement (it runs on every verification, so a
   * revocation or a ban holds at once on every node): when their last erasure began (undefined if
   * never erased; see UserDataStore.erasure) and their bannedAt (0 when not banned or not a user).
   */
  tokenStanding(uid: string): Promise<TokenStanding>;
  /**
   * Refuses every token of the user issued at or before `now` (see tokenStanding). Never moves the
   * time back; false when the uid is unknown (nothing written).
   */
  revokeTokens(uid: string, now: number): Promise<boolean>;
  /**
   * The name and avatar of those of `uids` that exist and that `viewer` may see, in the order asked
   * (duplicates once): with `everyone`, any user; otherwise the viewer themselves and users they share
   * a 1:1 conversation (either side's) or a group or super group with. Costs an index probe per uid
   * and per group of the viewer at most, never a scan.
   */
  profiles(viewer: string, uids: readonly string[], everyone: boolean): Promise<Array<{ uid: string; name: string; avatar: string }>>;
  /** Blocked uids of `ownerUid`, sorted. */
  blacklist(ownerUid: string): Promise<string[]>;
  /**
   * The users whose uid starts with `query.prefix` and sorts after `query.after`, in uid order by code
   * point, at most `query.limit`: keyset pages that neither skip nor repeat a user however many are
   * added meanwhile. Reads an index range, never the whole table.
   */
  list(query: IdPageQuery): Promise<User[]>;
}

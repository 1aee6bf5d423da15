import type { User } from '@parley/protocol';

export interface UserPatch {
  name?: string;
  avatar?: string;
  ext?: string;
}

/**
 * Users and their blacklists.
 * - `upsert` is atomic per user: it creates the user or changes only the fields given.
 * - Blacklist writes are idempotent: adding a present uid or removing an absent one changes nothing.
 */
export interface UserStore {
  upsert(uid: string, patch: UserPatch, now: number): Promise<User>;
  /** `upsert` for many users in one transaction; returns how many were given. */
  upsertMany(users: ReadonlyArray<{ uid: string } & UserPatch>, now: number): Promise<number>;
  get(uid: string): Promise<User | undefined>;
  /** The subset of `uids` that exist, in no particular order. */
  existing(uids: readonly string[]): Promise<string[]>;
  addToBlacklist(ownerUid: string, uids: readonly string[], now: number): Promise<void>;
  removeFromBlacklist(ownerUid: string, uids: readonly string[]): Promise<void>;
  /** What sending to a person channel needs to know, in one read. */
  personSendFacts(senderUid: string, peerUid: string): Promise<{ peerExists: boolean; blockedByPeer: boolean }>;
  /** Blocked uids of `ownerUid`, sorted. */
  blacklist(ownerUid: string): Promise<string[]>;
}

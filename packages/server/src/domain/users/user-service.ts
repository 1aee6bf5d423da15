import { ParleyError, SYSTEM_UID, type User } from '@parley/protocol';
import type { Storage, UserPatch } from '../../ports/storage/index.js';
import type { TokenService } from '../auth/tokens.js';

/** Users as the app's server manages them through the admin API (and dev login). */
export class UserService {
  constructor(
    private readonly storage: Storage,
    private readonly tokens: TokenService,
    /** Told when a name or avatar may have changed (presence followers get `user.updated`). */
    private readonly onProfileChanged: (user: User) => void = () => {},
  ) {}

  async upsert(uid: string, patch: UserPatch): Promise<User> {
    if (uid === SYSTEM_UID) throw new ParleyError('user.reserved_id', `"${SYSTEM_UID}" is the system sender`);
    return this.changed(patch, await this.storage.users.upsert(uid, patch, Date.now()));
  }

  private changed(patch: UserPatch, user: User): User {
    if (patch.name !== undefined || patch.avatar !== undefined) this.onProfileChanged(user);
    return user;
  }

  /** Registers or updates many users in one transaction. */
  async upsertMany(users: ReadonlyArray<{ uid: string } & UserPatch>): Promise<number> {
    if (users.some((u) => u.uid === SYSTEM_UID)) throw new ParleyError('user.reserved_id', `"${SYSTEM_UID}" is the system sender`);
    return this.storage.users.upsertMany(users, Date.now());
  }

  async update(uid: string, patch: UserPatch): Promise<User> {
    await this.require(uid);
    return this.changed(patch, await this.storage.users.upsert(uid, patch, Date.now()));
  }

  /** What `viewer` may see of these users (PARLEY_PROFILES_VISIBLE), in the order asked. */
  profiles(viewer: string, uids: readonly string[], everyone: boolean) {
    return this.storage.users.profiles(viewer, uids, everyone);
  }

  async require(uid: string): Promise<User> {
    const user = await this.storage.users.get(uid);
    if (!user) throw new ParleyError('user.not_found', `No user "${uid}"`);
    return user;
  }

  /** Fails with `user.not_found` naming every uid that does not exist. */
  async requireAll(uids: readonly string[]): Promise<void> {
    const unique = [...new Set(uids)];
    const found = new Set(await this.storage.users.existing(unique));
    const missing = unique.filter((uid) => !found.has(uid));
    if (missing.length) throw new ParleyError('user.not_found', `No such user: ${missing.slice(0, 10).join(', ')}`, { missing });
  }

  async issueToken(uid: string, ttlSeconds?: number) {
    await this.require(uid);
    return this.tokens.issue(uid, ttlSeconds);
  }

  async block(ownerUid: string, uids: readonly string[]): Promise<string[]> {
    await this.require(ownerUid);
    await this.storage.users.addToBlacklist(ownerUid, uids, Date.now());
    return this.storage.users.blacklist(ownerUid);
  }

  async unblock(ownerUid: string, uids: readonly string[]): Promise<string[]> {
    await this.require(ownerUid);
    await this.storage.users.removeFromBlacklist(ownerUid, uids);
    return this.storage.users.blacklist(ownerUid);
  }

  async blacklist(ownerUid: string): Promise<string[]> {
    await this.require(ownerUid);
    return this.storage.users.blacklist(ownerUid);
  }
}

import { CloseCode, ParleyError, type User } from '@parley/protocol';
import type { Storage } from '../../ports/storage/index.js';
import type { DeliveryRouter } from '../delivery/router.js';

/**
 * Bans and unbans users through the admin API. A ban is one column that what is read anyway reads
 * too (the token check, the send permission facts), so it holds at once on every node; this closes
 * the user's connections in the whole cluster.
 */
export class UserBanService {
  constructor(private readonly deps: { storage: Storage; router: Pick<DeliveryRouter, 'disconnectUser'> }) {}

  /** Bans (or unbans) `uid`; banning a banned user keeps the time of the first ban. Answers the user as stored. */
  async setBanned(uid: string, banned: boolean): Promise<User> {
    const user = await this.deps.storage.users.setBanned(uid, banned, Date.now());
    if (!user) throw new ParleyError('user.not_found', `No user "${uid}"`);
    // After the write: a token check from now on is refused. A connection whose check read the row
    // just before the write and attaches just after this call stays open, but its sends are refused.
    if (banned) this.deps.router.disconnectUser(uid, CloseCode.Banned, 'banned');
    return user;
  }
}

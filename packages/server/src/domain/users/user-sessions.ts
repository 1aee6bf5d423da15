import { CloseCode, ParleyError } from '@parley/protocol';
import type { Storage } from '../../ports/storage/index.js';
import type { Recipient } from '../delivery/recipient.js';
import type { DeliveryRouter } from '../delivery/router.js';

/**
 * A user's signed-in sessions, across every node: the device policy (one connection per flag, the
 * newest wins), and the app's server signing a user out of one device or all of them.
 */
export class UserSessions {
  constructor(
    private readonly storage: Storage,
    private readonly router: DeliveryRouter,
    private readonly clock: () => number = Date.now,
  ) {}

  /** A new login replaces the user's older connections with its deviceFlag (PARLEY_SINGLE_DEVICE_FLAGS). */
  replaceOlder(conn: Recipient): void {
    this.router.kick(conn.uid, {
      deviceFlag: conn.deviceFlag,
      before: conn.connectedAt,
      except: conn.connectionId,
      reason: 'replaced',
      code: CloseCode.Replaced,
    });
  }

  /** Closes the user's connections (those of `deviceId` only, if given) with 4010; their tokens stay valid. */
  async kick(uid: string, deviceId?: string): Promise<void> {
    await this.requireUser(uid);
    this.router.kick(uid, { ...(deviceId === undefined ? {} : { deviceId }), reason: 'kicked', code: CloseCode.Kicked });
  }

  /** Refuses every token issued until now and closes every connection: the user signs in again with a new one. */
  async revokeTokens(uid: string): Promise<{ uid: string; revokedAt: number }> {
    const now = this.clock();
    if (!(await this.storage.users.revokeTokens(uid, now))) throw new ParleyError('user.not_found');
    this.router.kick(uid, { reason: 'tokens_revoked', code: CloseCode.Kicked });
    return { uid, revokedAt: now };
  }

  private async requireUser(uid: string): Promise<void> {
    if (!(await this.storage.users.get(uid))) throw new ParleyError('user.not_found');
  }
}

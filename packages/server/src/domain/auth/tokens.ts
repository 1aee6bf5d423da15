import { ParleyError } from '@parley/protocol';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';

const AUDIENCE = 'parley-client';

/**
 * What stands against `uid`'s tokens: up to when they are revoked (`revokedUpTo`, ms: those issued
 * at or before it are refused, or undefined) and whether the user is banned (`bannedAt` > 0: every
 * token refused until unbanned). Read on every verification, in one read, so a revocation or a ban
 * holds at once on every node.
 */
export type TokenStandingOf = (uid: string) => Promise<{ revokedUpTo: number | undefined; bannedAt: number }>;

/** Signed, expiring client tokens (HS256 over the app secret). */
export class TokenService {
  private readonly key: Uint8Array;

  constructor(
    appSecret: string,
    private readonly defaultTtlSeconds: number,
    /** Without it, a token is good until it expires. */
    private readonly standingOf?: TokenStandingOf,
  ) {
    this.key = new TextEncoder().encode(appSecret);
  }

  async issue(uid: string, ttlSeconds = this.defaultTtlSeconds): Promise<{ uid: string; token: string; expiresAt: number }> {
    const issuedAt = Date.now();
    const expiresAtSec = Math.floor(issuedAt / 1000) + ttlSeconds;
    // `iat` has whole seconds; `iatMs` tells a token issued right after a revocation from one right before.
    const token = await new SignJWT({ iatMs: issuedAt })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(uid)
      .setAudience(AUDIENCE)
      .setIssuedAt(Math.floor(issuedAt / 1000))
      .setExpirationTime(expiresAtSec)
      .sign(this.key);
    return { uid, token, expiresAt: expiresAtSec * 1000 };
  }

  /**
   * The token's uid and expiry; throws `auth.token_expired`, `auth.invalid_token` (also for a
   * revoked one) or `auth.banned`.
   */
  async verify(token: string): Promise<{ uid: string; expiresAt: number }> {
    let uid: string;
    let expiresAt: number;
    let issuedAt: number;
    try {
      const { payload } = await jwtVerify(token, this.key, { audience: AUDIENCE, algorithms: ['HS256'] });
      if (typeof payload.sub !== 'string' || typeof payload.exp !== 'number') throw new ParleyError('auth.invalid_token');
      uid = payload.sub;
      expiresAt = payload.exp * 1000;
      // A token without iatMs (an older server's) counts as issued at the start of its second: the safe side.
      issuedAt = typeof payload.iatMs === 'number' ? payload.iatMs : (payload.iat ?? 0) * 1000;
    } catch (err) {
      if (err instanceof ParleyError) throw err;
      if (err instanceof joseErrors.JWTExpired) throw new ParleyError('auth.token_expired');
      throw new ParleyError('auth.invalid_token');
    }
    const standing = await this.standingOf?.(uid);
    if (standing?.revokedUpTo !== undefined && issuedAt <= standing.revokedUpTo)
      throw new ParleyError('auth.invalid_token', 'The token was revoked (its account was erased, or its tokens revoked)');
    if (standing && standing.bannedAt > 0) throw new ParleyError('auth.banned');
    return { uid, expiresAt };
  }
}

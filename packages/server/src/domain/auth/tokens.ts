import { ParleyError } from '@parley/protocol';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';

const AUDIENCE = 'parley-client';

/** Signed, expiring client tokens (HS256 over the app secret). */
export class TokenService {
  private readonly key: Uint8Array;

  constructor(
    appSecret: string,
    private readonly defaultTtlSeconds: number,
  ) {
    this.key = new TextEncoder().encode(appSecret);
  }

  async issue(uid: string, ttlSeconds = this.defaultTtlSeconds): Promise<{ uid: string; token: string; expiresAt: number }> {
    const expiresAtSec = Math.floor(Date.now() / 1000) + ttlSeconds;
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(uid)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(expiresAtSec)
      .sign(this.key);
    return { uid, token, expiresAt: expiresAtSec * 1000 };
  }

  /** The token's uid and expiry; throws `auth.token_expired` or `auth.invalid_token`. */
  async verify(token: string): Promise<{ uid: string; expiresAt: number }> {
    try {
      const { payload } = await jwtVerify(token, this.key, { audience: AUDIENCE, algorithms: ['HS256'] });
      if (typeof payload.sub !== 'string' || typeof payload.exp !== 'number') throw new ParleyError('auth.invalid_token');
      return { uid: payload.sub, expiresAt: payload.exp * 1000 };
    } catch (err) {
      if (err instanceof ParleyError) throw err;
      if (err instanceof joseErrors.JWTExpired) throw new ParleyError('auth.token_expired');
      throw new ParleyError('auth.invalid_token');
    }
  }
}

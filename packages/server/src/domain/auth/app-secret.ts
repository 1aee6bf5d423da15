import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** Constant-time comparison, so response timing does not leak the secret. */
export function secretMatches(candidate: string, secret: string): boolean {
  return timingSafeEqual(digest(candidate), digest(secret));
}

/** Full-jitter exponential backoff: 0..min(max, base * 2^attempt) ms, so reconnecting clients spread out. */
export function backoffDelay(attempt: number, baseMs = 500, maxMs = 30_000, random = Math.random): number {
  return Math.floor(random() * Math.min(maxMs, baseMs * 2 ** attempt));
}

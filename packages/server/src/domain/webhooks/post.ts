import { signedHeaders } from './signature.js';

export type PostOutcome = { ok: true } | { ok: false; error: string };

/**
 * One signed POST of `body` to the receiver. Only a 2xx answer counts as delivered; a redirect is
 * not followed (a receiver that moved must be given its new URL), and an answer that does not come
 * within `timeoutMs` is a failure, as is a network error. The answer's body is not read.
 */
export async function postEvents(
  url: string,
  body: string,
  secret: string,
  timeoutMs: number,
  nowMs: number,
  abandon: AbortSignal,
): Promise<PostOutcome> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: signedHeaders(secret, body, nowMs),
      body,
      redirect: 'manual',
      signal: AbortSignal.any([abandon, AbortSignal.timeout(timeoutMs)]),
    });
    await res.body?.cancel().catch(() => {});
    return res.status >= 200 && res.status < 300 ? { ok: true } : { ok: false, error: `HTTP ${res.status}` };
  } catch (err) {
    return { ok: false, error: describe(err, timeoutMs) };
  }
}

/** A failure in a few words, for the logs, the lanes' lastError and the dead letters. */
function describe(err: unknown, timeoutMs: number): string {
  if (err instanceof DOMException && err.name === 'TimeoutError') return `no answer within ${timeoutMs / 1000} s`;
  if (err instanceof DOMException && err.name === 'AbortError') return 'abandoned: the server was stopping';
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  const code = typeof cause === 'object' && cause !== null && 'code' in cause ? ` (${String(cause.code)})` : '';
  return `${cause instanceof Error ? cause.message : String(cause)}${code}`.slice(0, 300);
}

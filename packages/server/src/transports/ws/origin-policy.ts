import type { IncomingMessage } from 'node:http';

/**
 * Whether a browser page at `Origin` may open the WebSocket (PARLEY_ALLOWED_ORIGINS).
 *
 * Only browsers send Origin, and only they need this check: a page on another site must not drive
 * a user's socket. Apps, bots and servers send no Origin and are judged by their token alone. The
 * server's own origin (the web app it serves) is always allowed.
 */
export function originAllowed(req: IncomingMessage, allowed: readonly string[] | '*'): boolean {
  const origin = req.headers.origin;
  if (origin === undefined || allowed === '*') return true;
  if (allowed.includes(origin)) return true;
  const host = req.headers.host;
  if (!host) return false;
  try {
    // Same origin: the page was served by the host it connects to (behind TLS or not).
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

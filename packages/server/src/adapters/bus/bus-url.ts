/** The broker could not be reached at start: the server stops with this one line. */
export class BusUnavailableError extends Error {
  override name = 'BusUnavailableError';
}

export type BusKind = 'memory' | 'redis' | 'nats';

/** The adapter a `PARLEY_BUS_URL` names, or an error message saying what is accepted. */
export function busKindOf(url: string | undefined): BusKind | { error: string } {
  if (!url) return 'memory';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { error: `PARLEY_BUS_URL is not a URL: ${redactUrl(url)}` };
  }
  if (parsed.protocol === 'redis:' || parsed.protocol === 'rediss:') return 'redis';
  if (parsed.protocol === 'nats:' || parsed.protocol === 'tls:') return 'nats';
  return { error: `PARLEY_BUS_URL must start with redis://, rediss:// or nats:// (got ${parsed.protocol}//)` };
}

/** A URL fit for a log line: its password replaced. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}

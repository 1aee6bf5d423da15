import type { ConfigEntry } from '@parley/protocol';
import type { Config } from '../../config.js';

export const MASK = '********';

/**
 * Field and query-parameter names that hold a secret. Matched on the name, so a field added to the
 * configuration later is masked without anyone remembering to list it here. A number or a flag is
 * never a secret (`tokenTtlSeconds` is a lifetime, not a token).
 */
const SECRET_NAME = /secret|token|passw(or)?d|pwd|credential|api[-_]?key|private[-_]?key|auth/i;

/**
 * A URL with its credentials masked: the password of its user info, and the user name too when it
 * stands alone (NATS reads `nats://TOKEN@host` as a token, Redis `redis://PASSWORD@host` as a
 * password), and every query parameter with a secret's name (`?password=`, `?sslkey=`…).
 * Anything that does not parse as a URL with a scheme comes back as it was, unmasked.
 */
export function maskUrl(raw: string): { value: string; masked: boolean } {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) return { value: raw, masked: false };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // Looks like a URL but is not one: it may still hold credentials, so none of it is shown.
    return { value: MASK, masked: true };
  }
  let masked = false;
  if (url.password) {
    url.password = MASK;
    masked = true;
  } else if (url.username) {
    url.username = MASK;
    masked = true;
  }
  for (const key of [...url.searchParams.keys()]) {
    if (SECRET_NAME.test(key) || /^ssl(key|password)$/i.test(key)) {
      url.searchParams.set(key, MASK);
      masked = true;
    }
  }
  // Unchanged: as written (URL would normalize it, adding a slash to an origin).
  if (!masked) return { value: raw, masked };
  // URL escapes the asterisks of the mask in user info; put them back so the mask reads as one.
  return { value: url.toString().replaceAll('%2A', '*'), masked };
}

function entry(key: string, value: unknown): ConfigEntry {
  const name = key.slice(key.lastIndexOf('.') + 1);
  if (value === undefined || value === null) return { key, value: null, masked: false };
  if (typeof value === 'string') {
    if (SECRET_NAME.test(name)) return { key, value: MASK, masked: true };
    const url = maskUrl(value);
    return { key, value: url.value, masked: url.masked };
  }
  if (typeof value === 'number' || typeof value === 'boolean') return { key, value, masked: false };
  if (Array.isArray(value)) {
    if (SECRET_NAME.test(name)) return { key, value: value.map(() => MASK), masked: true };
    const items = value.map((v) => maskUrl(String(v)));
    return { key, value: items.map((i) => i.value), masked: items.some((i) => i.masked) };
  }
  // Not a kind of value the configuration has today: shown as masked rather than guessed at.
  return { key, value: MASK, masked: true };
}

function flatten(prefix: string, object: object, out: ConfigEntry[]): ConfigEntry[] {
  for (const [name, value] of Object.entries(object)) {
    const key = prefix ? `${prefix}.${name}` : name;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) flatten(key, value, out);
    else out.push(entry(key, value));
  }
  return out;
}

/**
 * The active configuration as the admin API shows it: every field, nested ones as `limits.…`, in the
 * configuration's order, with every secret masked (the app secret, passwords in the database and bus
 * URLs, anything named like a secret). The raw values never leave this function.
 */
export function configEntries(config: Config): ConfigEntry[] {
  return flatten('', config, []);
}

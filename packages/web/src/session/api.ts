import { loadSession } from './session';

/** The REST calls the app makes beside the SDK's WebSocket: server mode, dev login and groups. */

export const serverUrl = (): string => location.origin;

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function call<T>(method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<T> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`${serverUrl()}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch {
    throw new ApiError('network', 'The server cannot be reached');
  }
  const body = await res.json().catch(() => undefined);
  if (!res.ok) throw new ApiError(body?.code ?? `http.${res.status}`, body?.message ?? `The server answered ${res.status}`);
  return body as T;
}

export type ServerMode = 'development' | 'production';

const MODE_KEY = 'parley.mode';

/**
 * The server's mode. While the server cannot be reached, a signed-in user still opens the app (from its
 * cache, reconnecting) in the mode this browser saw last.
 */
export async function serverMode(): Promise<ServerMode> {
  try {
    const { mode } = await call<{ mode: ServerMode }>('GET', '/healthz');
    localStorage.setItem(MODE_KEY, mode);
    return mode;
  } catch (err) {
    const known = localStorage.getItem(MODE_KEY);
    if (loadSession() && (known === 'development' || known === 'production')) return known;
    throw err;
  }
}

export async function devLogin(uid: string): Promise<string> {
  return (await call<{ token: string }>('POST', '/v1/dev/login', { body: { uid } })).token;
}

export interface GroupInfo {
  groupId: string;
  channelType: number;
  name: string;
  ownerUid: string;
  memberCount: number;
}

export function createGroup(token: string, body: { name?: string; members: string[] }): Promise<GroupInfo> {
  return call('POST', '/v1/dev/groups', { token, body });
}

export function addGroupMembers(token: string, groupId: string, uids: string[]): Promise<{ added: string[]; group: GroupInfo }> {
  return call('POST', `/v1/dev/groups/${encodeURIComponent(groupId)}/members`, { token, body: { uids } });
}

export function getGroup(token: string, groupId: string): Promise<GroupInfo> {
  return call('GET', `/v1/groups/${encodeURIComponent(groupId)}`, { token });
}

import type {
  AdminConfig,
  AdminStats,
  Group,
  GroupListResult,
  GroupMember,
  TokenResult,
  User,
  UserGroupsResult,
  UserListResult,
} from '@parley/protocol';
import { ApiError, serverUrl } from '../session/api';

/** The codes the admin API answers a missing or wrong app secret with. */
const REFUSED = new Set(['auth.required', 'auth.admin_required']);

export const isRefusal = (err: unknown): boolean => err instanceof ApiError && REFUSED.has(err.code);

const seg = encodeURIComponent;

function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

async function errorOf(res: Response): Promise<ApiError> {
  const body = await res.json().catch(() => undefined);
  return new ApiError(body?.code ?? `http.${res.status}`, body?.message ?? `The server answered ${res.status}`);
}

/**
 * The admin API as the console calls it. The app secret lives in this object only (and so in memory
 * only: never in storage, a cookie or the URL); a reload forgets it. Every call sends it as the admin
 * API expects, `Authorization: Bearer <app secret>`. When the server refuses it (it changed, or the
 * server restarted with another), `onRefused` signs the console out.
 */
export class AdminApi {
  constructor(
    private readonly secret: string,
    private readonly onRefused: () => void = () => {},
  ) {}

  private async fetch(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.secret}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${serverUrl()}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError('network', 'The server cannot be reached');
    }
    if (res.ok) return res;
    const err = await errorOf(res);
    if (REFUSED.has(err.code)) this.onRefused();
    throw err;
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.fetch(method, path, body);
    return (await res.json().catch(() => ({}))) as T;
  }

  stats(): Promise<AdminStats> {
    return this.call('GET', '/v1/admin/stats');
  }

  config(): Promise<AdminConfig> {
    return this.call('GET', '/v1/admin/config');
  }

  users(prefix: string, cursor?: string, limit = 50): Promise<UserListResult> {
    return this.call('GET', `/v1/admin/users${query({ prefix, cursor, limit })}`);
  }

  user(uid: string): Promise<User> {
    return this.call('GET', `/v1/admin/users/${seg(uid)}`);
  }

  async blacklist(uid: string): Promise<string[]> {
    return (await this.call<{ uids: string[] }>('GET', `/v1/admin/users/${seg(uid)}/blacklist`)).uids;
  }

  userGroups(uid: string): Promise<UserGroupsResult> {
    return this.call('GET', `/v1/admin/users/${seg(uid)}/groups`);
  }

  issueToken(uid: string, expiresInSeconds?: number): Promise<TokenResult> {
    return this.call('POST', `/v1/admin/users/${seg(uid)}/token`, expiresInSeconds ? { expiresInSeconds } : {});
  }

  /** The user's data as one JSON document (`GET /v1/admin/users/{uid}/export`), as a file to save. */
  async exportUser(uid: string): Promise<Blob> {
    return (await this.fetch('GET', `/v1/admin/users/${seg(uid)}/export`)).blob();
  }

  /** Bans (closing their connections, refusing their tokens and sends) or unbans; the user as stored. */
  setBanned(uid: string, banned: boolean): Promise<User> {
    return this.call('POST', `/v1/admin/users/${seg(uid)}/ban`, { banned });
  }

  /** Erases the user and everything of theirs (`DELETE /v1/admin/users/{uid}` with `{erase: true}`). */
  async eraseUser(uid: string): Promise<void> {
    await this.fetch('DELETE', `/v1/admin/users/${seg(uid)}`, { erase: true });
  }

  groups(prefix: string, cursor?: string, limit = 50): Promise<GroupListResult> {
    return this.call('GET', `/v1/admin/groups${query({ prefix, cursor, limit })}`);
  }

  group(groupId: string): Promise<Group> {
    return this.call('GET', `/v1/admin/groups/${seg(groupId)}`);
  }

  async members(groupId: string): Promise<GroupMember[]> {
    return (await this.call<{ members: GroupMember[] }>('GET', `/v1/admin/groups/${seg(groupId)}/members`)).members;
  }

  addMembers(groupId: string, uids: string[]): Promise<{ added: string[]; group: Group }> {
    return this.call('POST', `/v1/admin/groups/${seg(groupId)}/members`, { uids });
  }

  removeMembers(groupId: string, uids: string[]): Promise<{ removed: string[]; group: Group }> {
    return this.call('POST', `/v1/admin/groups/${seg(groupId)}/members/remove`, { uids });
  }

  setAdmin(groupId: string, uid: string, isAdmin: boolean): Promise<{ members: GroupMember[] }> {
    return this.call('PUT', `/v1/admin/groups/${seg(groupId)}/admins`, { uids: [uid], isAdmin });
  }

  muteMember(groupId: string, uid: string, muted: boolean): Promise<GroupMember> {
    return this.call('PUT', `/v1/admin/groups/${seg(groupId)}/members/${seg(uid)}/mute`, { muted });
  }

  muteAll(groupId: string, muteAll: boolean): Promise<Group> {
    return this.call('PUT', `/v1/admin/groups/${seg(groupId)}/mute`, { muteAll });
  }
}

/** Whether the server takes `secret` as the app secret: one cheap admin read. */
export async function checkSecret(secret: string): Promise<void> {
  await new AdminApi(secret).stats();
}

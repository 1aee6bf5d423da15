import type { GroupListResult, UserGroupsResult, UserListResult } from '@parley/protocol';
import type { IdPageQuery, Storage } from '../../ports/storage/index.js';
import { toGroup } from '../channels/group-service.js';
import type { UserService } from '../users/user-service.js';

export interface PageRequest {
  prefix?: string;
  limit?: number;
  cursor?: string;
}

const DEFAULT_PAGE = 50;

/** One more than asked tells whether a next page exists; the cursor is the page's last id. */
async function page<T>(request: PageRequest, read: (q: IdPageQuery) => Promise<T[]>, idOf: (item: T) => string) {
  const limit = request.limit ?? DEFAULT_PAGE;
  const rows = await read({ prefix: request.prefix ?? '', after: request.cursor, limit: limit + 1 });
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, cursor: rows.length > limit && last !== undefined ? idOf(last) : null };
}

/**
 * How an operator finds users and groups (the admin console's search): keyset pages by id prefix,
 * so a page costs the same on the millionth user as on the first.
 */
export class AdminDirectory {
  constructor(
    private readonly storage: Storage,
    private readonly users: UserService,
  ) {}

  async listUsers(request: PageRequest): Promise<UserListResult> {
    const { items, cursor } = await page(
      request,
      (q) => this.storage.users.list(q),
      (u) => u.uid,
    );
    return { users: items, cursor };
  }

  async listGroups(request: PageRequest): Promise<GroupListResult> {
    const { items, cursor } = await page(
      request,
      (q) => this.storage.channels.listGroups(q),
      (c) => c.channelId,
    );
    return { groups: items.map(toGroup), cursor };
  }

  /** The user's groups with their role and mute there, the first `limit` by id. */
  async groupsOf(uid: string, limit = 100): Promise<UserGroupsResult> {
    await this.users.require(uid);
    const rows = await this.storage.channels.groupsOf(uid, limit + 1);
    return {
      groups: rows
        .slice(0, limit)
        .map((g) => ({ groupId: g.channelId, channelType: g.channelType, name: g.name, role: g.role, mutedUntil: g.mutedUntil })),
      hasMore: rows.length > limit,
    };
  }
}

import type { Conversation, ListResult } from '@parley/protocol';
import type { ParleyClient } from '../client.js';

/** Cursors this facade makes itself start with this; the server's own are passed through. */
const LOCAL = 'pinned:';

const byPinOrder = (a: Conversation, b: Conversation) =>
  b.pinnedTime - a.pinnedTime || (a.conversationId < b.conversationId ? -1 : a.conversationId > b.conversationId ? 1 : 0);

const after = (c: Conversation, key: { pinnedTime: number; conversationId: string }) =>
  c.pinnedTime < key.pinnedTime || (c.pinnedTime === key.pinnedTime && c.conversationId > key.conversationId);

/**
 * One page of pinned conversations, newest pin first. A server that pages `listPinned` itself is
 * followed; one that answers every pin at once (at most `maxPinned`, 50 by default) is paged here,
 * by a keyset on (pinnedTime, conversationId) so that pins made meanwhile neither repeat nor skip.
 */
export async function pinnedPage(
  client: ParleyClient,
  pageSize: number,
  cursor: string,
): Promise<{ conversations: Conversation[]; cursor: string }> {
  const local = cursor.startsWith(LOCAL);
  const answer = await client.request<ListResult>('conversation.listPinned', local ? {} : { pageSize, ...(cursor ? { cursor } : {}) });
  if (!local && answer.conversations.length <= pageSize) return { conversations: answer.conversations, cursor: answer.cursor ?? '' };
  const all = [...answer.conversations].sort(byPinOrder);
  const key = local ? (JSON.parse(cursor.slice(LOCAL.length)) as { pinnedTime: number; conversationId: string }) : undefined;
  const rest = key ? all.filter((c) => after(c, key)) : all;
  const page = rest.slice(0, pageSize);
  const last = page[page.length - 1];
  const next =
    rest.length > pageSize && last ? LOCAL + JSON.stringify({ pinnedTime: last.pinnedTime, conversationId: last.conversationId }) : '';
  return { conversations: page, cursor: next };
}

import type { ClientSessions } from './client-sessions.js';
import { type ChannelSpec, conversationIdOf, type HistoryEntry } from './history-audit.js';

const MAX_PAGES = 1000;

/** Every conversation in `uid`'s list, page by page. */
async function listConversations(sessions: ClientSessions, uid: string): Promise<any[]> {
  const all: any[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const result = await sessions.get(uid, `/v1/conversations?limit=100${query}`);
    all.push(...result.conversations);
    if (!result.hasMore) return all;
    cursor = result.cursor;
  }
  throw new Error(`${uid}'s conversation list did not end within ${MAX_PAGES} pages`);
}

/**
 * Checks each user's conversation list against the channels' histories: one conversation per
 * channel the user is in that has messages, and no other; its lastMsgSeq and last message are the
 * channel's last; its unread count is the others' messages after its read position.
 */
export async function auditConversations(
  sessions: ClientSessions,
  uids: readonly string[],
  channels: readonly ChannelSpec[],
  histories: ReadonlyMap<string, readonly HistoryEntry[]>,
): Promise<string[]> {
  const problems: string[] = [];
  for (const uid of uids) {
    const listed = new Map((await listConversations(sessions, uid)).map((c) => [c.conversationId as string, c]));
    for (const channel of channels) {
      if (!channel.members.includes(uid)) continue;
      const history = histories.get(channel.name) ?? [];
      const last = history[history.length - 1];
      const id = conversationIdOf(channel.name, uid);
      const conversation = listed.get(id);
      listed.delete(id);
      if (!last) continue;
      const where = `${uid}'s ${id}`;
      if (!conversation) {
        problems.push(`${where}: missing from the list (the channel has ${history.length} messages)`);
        continue;
      }
      if (conversation.lastMsgSeq !== last.messageSeq)
        problems.push(`${where}: lastMsgSeq ${conversation.lastMsgSeq}, channel ends at ${last.messageSeq}`);
      if (conversation.lastMsg?.messageSeq !== last.messageSeq || conversation.lastMsg?.clientMsgNo !== last.clientMsgNo) {
        problems.push(
          `${where}: lastMsg is seq ${conversation.lastMsg?.messageSeq} ${conversation.lastMsg?.clientMsgNo}, channel ends with ${last.clientMsgNo}`,
        );
      }
      const unread = history.filter((m) => m.messageSeq > conversation.readSeq && m.fromUid !== uid).length;
      if (conversation.unreadCount !== unread) {
        problems.push(
          `${where}: unreadCount ${conversation.unreadCount}, but ${unread} messages from others after readSeq ${conversation.readSeq}`,
        );
      }
    }
    for (const id of listed.keys()) problems.push(`${uid}'s list has ${id}, which no test channel of theirs explains`);
  }
  return problems;
}

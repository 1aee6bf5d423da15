import type { SoakConnection } from './soak-connection.js';
import type { SoakConversation } from './soak-coverage.js';
import type { SoakStats } from './soak-stats.js';

interface SyncResult {
  changes: { conversationId: string; lastMsgSeq?: number; deleted?: boolean }[];
  syncToken: string;
  hasMore: boolean;
  reset: boolean;
}

interface HistoryPage {
  messages: { messageSeq: number }[];
}

/**
 * What a client does after reconnecting: conversation.sync since its last token, then
 * message.history (pages of 100, oldest first) for every conversation whose last seq is past what
 * it saw. Returns the new sync token. Bounded: at most 10 sync rounds, and a history page that
 * brings nothing new ends that conversation's catch-up.
 */
export async function catchUp(
  conn: SoakConnection,
  conversations: Map<string, SoakConversation>,
  since: string | undefined,
  stats: SoakStats,
): Promise<string | undefined> {
  let token = since;
  for (let round = 0; round < 10; round++) {
    const sync = await conn.request<SyncResult>('conversation.sync', token ? { since: token } : {});
    stats.count('conversation.sync');
    if (sync.reset) stats.error('sync reset');
    token = sync.syncToken;
    for (const change of sync.changes) {
      const conv = conversations.get(change.conversationId);
      if (conv && !change.deleted && change.lastMsgSeq) await fill(conn, conv, change.lastMsgSeq, stats);
    }
    if (!sync.hasMore) break;
  }
  return token;
}

async function fill(conn: SoakConnection, conv: SoakConversation, last: number, stats: SoakStats): Promise<void> {
  while (conv.coverage.upTo < last) {
    const from = conv.coverage.upTo;
    const page = await conn.request<HistoryPage>('message.history', {
      conversationId: conv.conversationId,
      startSeq: Math.max(1, from),
      contain: from === 0,
      direction: 'down',
      limit: 100,
    });
    stats.count('message.history (catch-up)');
    for (const m of page.messages) if (conv.coverage.see(m.messageSeq)) stats.count('messages caught up after reconnect');
    if (conv.coverage.upTo === from) return; // no progress: the page ended short of `last`
  }
}

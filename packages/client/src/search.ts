import type {
  ConversationMatch,
  ConversationSearchParams,
  ConversationSearchResult,
  MessageSearchParams,
  MessageSearchResult,
} from '@parley/protocol';
import type { Connection } from './connection.js';

/**
 * Search, always on the server (it holds every message; the local cache holds a few pages):
 * `messages` finds what the user may read, newest first, paged by `cursor`; `conversations` is the
 * conversation list's search box. Open a found message in its chat with `getOrSyncHistory` around
 * its seq (the web app's HistoryWindow jumps there).
 */
export class Search {
  constructor(private readonly connection: Connection) {}

  /** `message.search`: every word of `q` must match; Chinese and Japanese found as written. */
  messages(params: MessageSearchParams): Promise<MessageSearchResult> {
    return this.connection.request<MessageSearchResult>('message.search', params);
  }

  /** `conversation.search`: the user's listed conversations by peer uid or group id prefix, or part of a name. */
  async conversations(q: string, limit?: ConversationSearchParams['limit']): Promise<ConversationMatch[]> {
    const result = await this.connection.request<ConversationSearchResult>('conversation.search', {
      q,
      ...(limit !== undefined && { limit }),
    });
    return result.conversations;
  }
}

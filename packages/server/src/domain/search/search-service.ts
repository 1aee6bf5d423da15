import {
  type ConversationSearchParams,
  type ConversationSearchResult,
  formatConversationId,
  type MessageSearchParams,
  type MessageSearchResult,
  ParleyError,
} from '@parley/protocol';
import type { SearchPosition, Storage } from '../../ports/storage/index.js';
import { MAX_SEARCH_TERMS, searchTerms } from '../../ports/storage/search-text.js';
import { peerOf } from '../channels/person-channel.js';
import { requireAccess } from '../conversations/conversation-access.js';
import { MessageReader } from '../messages/message-reader.js';
import type { MessageExpiry } from '../retention/expiry.js';

const DEFAULT_LIMIT = 20;

/** A store position as the cursor the client holds: base64url of its JSON. */
const encodeCursor = (p: SearchPosition): string => Buffer.from(JSON.stringify(p)).toString('base64url');

function decodeCursor(cursor: string): SearchPosition {
  try {
    const p: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(p) && p.every((v) => typeof v === 'string' || typeof v === 'number')) return p;
  } catch {}
  throw new ParleyError('search.invalid_cursor');
}

/**
 * Message search and the conversation list's search box (docs/protocol.md, Search). Which messages
 * a user may read is the store's query (SearchStore: the same rule as MessageVisibility, inside SQL
 * before the LIMIT); found messages are shown as history shows them (MessageReader).
 */
export class SearchService {
  private readonly reader: MessageReader;

  constructor(
    private readonly storage: Storage,
    private readonly expiry: MessageExpiry,
  ) {
    this.reader = new MessageReader(storage);
  }

  async messages(uid: string, params: MessageSearchParams): Promise<MessageSearchResult> {
    const terms = searchTerms(params.q);
    if (!terms.length || terms.length > MAX_SEARCH_TERMS)
      throw new ParleyError('search.invalid_query', terms.length ? `At most ${MAX_SEARCH_TERMS} words` : 'Nothing to search for in q');
    const from = params.cursor === undefined ? undefined : decodeCursor(params.cursor);
    // Naming a conversation: refused as history refuses it (not found, not yours).
    const key =
      params.conversationId === undefined ? undefined : await requireAccess(this.storage, uid, { conversationId: params.conversationId });
    const page = await this.storage.search.messages({
      uid,
      terms,
      ...(key && { channel: { channelType: key.channelType, channelId: key.channelId } }),
      ...(params.fromUid !== undefined && { fromUid: params.fromUid }),
      ...(params.before !== undefined && { before: params.before }),
      ...(params.after !== undefined && { after: params.after }),
      ...(from && { from }),
      limit: params.limit ?? DEFAULT_LIMIT,
      policy: this.expiry.policy(),
    });
    if (page === 'bad_position') throw new ParleyError('search.invalid_cursor');
    return { messages: await this.reader.render(uid, page.messages), cursor: page.next ? encodeCursor(page.next) : null };
  }

  async conversations(uid: string, params: ConversationSearchParams): Promise<ConversationSearchResult> {
    const found = await this.storage.search.conversations(uid, params.q.trim() || params.q, params.limit ?? DEFAULT_LIMIT);
    return {
      conversations: found.map((c) => {
        const channelId = c.channelType === 1 ? peerOf(c.channelId, uid) : c.channelId;
        return {
          conversationId: formatConversationId({ channelType: c.channelType, channelId }) as string,
          channelType: c.channelType,
          channelId,
          name: c.name,
        };
      }),
    };
  }
}

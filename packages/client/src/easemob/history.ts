import type { HistoryResult, Message } from '@parley/protocol';
import type { ParleyClient } from '../client.js';
import { conversationIdOf } from './chat-type.js';
import { parameterError } from './errors.js';
import { toMessageBody } from './message-body.js';
import type { ChatType, HistoryMessages } from './types.js';

/** Easemob's `getHistoryMessages` options (`searchOptions` filters are not supported). */
export interface GetHistoryMessagesOptions {
  /** The peer's uid or the group id. */
  targetId: string;
  /** 1..50, default 20. */
  pageSize?: number;
  /** The message id to continue from (excluded); `-1`, `null` or `''`: from the newest (`up`) or the first (`down`). */
  cursor?: string | number | null;
  /** Default `singleChat`. */
  chatType?: ChatType;
  /** `up` (default): newest first, going back; `down`: oldest first, going forward. */
  searchDirection?: 'up' | 'down';
}

export const HISTORY_PAGE_MAX = 50;

type Row = HistoryResult['messages'][number];
/** Easemob shows neither what you deleted for yourself nor recalled messages (it deletes them). */
const shown = (r: Row): r is Message => !('deleted' in r) && !r.extra.revoked;

/**
 * One page of roaming history in Easemob's form: `pageSize` messages you can see, newest first for
 * `up`. Where deleted or recalled messages leave holes the server's page is topped up from further
 * on, so a page is short only at the end.
 */
export async function getHistoryMessages(client: ParleyClient, options: GetHistoryMessagesOptions): Promise<HistoryMessages> {
  const { targetId, pageSize = 20, cursor, chatType = 'singleChat', searchDirection = 'up' } = options ?? ({} as GetHistoryMessagesOptions);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > HISTORY_PAGE_MAX)
    throw parameterError(`pageSize is 1..${HISTORY_PAGE_MAX}, not ${pageSize}`);
  if (searchDirection !== 'up' && searchDirection !== 'down') throw parameterError(`searchDirection is 'up' or 'down'`);
  const conversationId = await conversationIdOf(client, targetId, chatType);
  const up = searchDirection === 'up';
  const from = cursor === undefined || cursor === null || cursor === -1 || cursor === '' || cursor === '-1' ? undefined : String(cursor);
  // The first request names the cursor by id (the server finds its seq); the top-ups go on by seq.
  let query: Record<string, unknown> = from
    ? { conversationId, cursor: from, searchDirection, pageSize }
    : up
      ? { conversationId, startSeq: 0, direction: 'up', limit: pageSize }
      : { conversationId, startSeq: 1, contain: true, direction: 'down', limit: pageSize };
  const kept: Message[] = [];
  let more = false;
  for (;;) {
    const page = await client.request<HistoryResult>('message.history', query);
    // Ascending by seq whatever the server's order; `up` reads it from the newest end.
    const rows = [...page.messages].sort((a, b) => a.messageSeq - b.messageSeq);
    if (up) rows.reverse();
    kept.push(...rows.filter(shown));
    more = up ? page.hasMoreBefore : page.hasMoreAfter;
    const edge = rows[rows.length - 1];
    if (kept.length >= pageSize || !more || !edge) break;
    query = { conversationId, startSeq: edge.messageSeq, contain: false, direction: searchDirection, limit: pageSize - kept.length };
  }
  const messages = kept.slice(0, pageSize);
  const last = messages[messages.length - 1];
  more ||= kept.length > pageSize;
  return {
    messages: messages.map((m) => toMessageBody(m, client.uid)),
    isLast: !more,
    ...(more && last ? { cursor: last.messageId } : {}),
  };
}

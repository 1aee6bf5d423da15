import type { Conversation, WkConversation, WkConversationSyncParams } from '@parley/protocol';
import type { Static } from 'typebox';
import type { AppContext } from '../../../app-context.js';
import { toWkMessage } from './wk-message.js';

/** Parley's conversation list gives at most this many recents per conversation. */
const MAX_RECENTS = 20;
const PAGE = 100;
/** WuKongIM keeps at most 1000 conversations per user (UserMaxCount); so do we here. */
const MAX_CONVERSATIONS = 1000;

/** `channelID:channelType:lastMsgSeq|…` as a map from `channelType:channelID` to the seq the client has. */
export function parseLastMsgSeqs(text: string | undefined): Map<string, number> {
  const seqs = new Map<string, number>();
  for (const entry of (text ?? '').split('|')) {
    // The channel id itself may not contain ':' (ids are [A-Za-z0-9_.@-]), so the last two fields are the numbers.
    const parts = entry.split(':');
    if (parts.length !== 3) continue;
    const [id, type, seq] = parts as [string, string, string];
    const n = Number(seq);
    if (id && Number.isInteger(n) && n >= 0) seqs.set(`${Number(type)}:${id}`, n);
  }
  return seqs;
}

/**
 * WuKongIM's `POST /conversation/sync` over Parley's conversation list (`conversation.list` with
 * `msgCount`): the same conversations, unread counts and last messages the JSON gateway shows, with
 * the recents newest first and only past what the client says it has (`last_msg_seqs`).
 */
export async function conversationSync(
  ctx: AppContext,
  uid: string,
  p: WkConversationSyncParams,
): Promise<Array<Static<typeof WkConversation>>> {
  const msgCount = Math.min(p.msg_count ?? 0, MAX_RECENTS);
  const known = parseLastMsgSeqs(p.last_msg_seqs);
  const excluded = new Set(p.exclude_channel_types ?? []);
  const afterRead = (p.version ?? 0) > 0 || p.only_unread === 1;
  const out: Array<Static<typeof WkConversation>> = [];
  let cursor: string | undefined;
  for (let seen = 0; seen < MAX_CONVERSATIONS; seen += PAGE) {
    const page = await ctx.conversations.list(uid, cursor === undefined ? { limit: PAGE, msgCount } : { limit: PAGE, msgCount, cursor });
    for (const c of page.conversations) {
      const row = toWkConversation(c, known, excluded, afterRead, p.only_unread === 1);
      if (row) out.push(row);
    }
    if (!page.hasMore || !page.cursor) break;
    cursor = page.cursor;
  }
  return out;
}

function toWkConversation(
  c: Conversation,
  known: Map<string, number>,
  excluded: Set<number>,
  afterRead: boolean,
  onlyUnread: boolean,
): Static<typeof WkConversation> | undefined {
  if (!c.lastMsg || excluded.has(c.channelType) || (onlyUnread && c.unreadCount === 0)) return undefined;
  const has = known.get(`${c.channelType}:${c.channelId}`);
  if (has !== undefined && has >= c.lastMsgSeq) return undefined;
  const from = has ?? (afterRead ? c.readSeq : 0);
  const recents = (c.recents ?? []).filter((m) => m.messageSeq > from).reverse();
  return {
    channel_id: c.channelId,
    channel_type: c.channelType,
    unread: c.unreadCount,
    timestamp: Math.floor(c.lastMsg.timestamp / 1000),
    last_msg_seq: c.lastMsgSeq,
    last_client_msg_no: c.lastMsg.clientMsgNo,
    offset_msg_seq: 0,
    readed_to_msg_seq: c.readSeq,
    version: c.updateTime,
    recents: recents.map(toWkMessage),
  };
}

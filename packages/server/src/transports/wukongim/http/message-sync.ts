import type { HistoryParams, Message, WkMessageSyncParams, WkMessageSyncResult } from '@parley/protocol';
import type { Static } from 'typebox';
import type { AppContext } from '../../../app-context.js';
import { toWkMessage } from './wk-message.js';

/** Parley's history pages hold at most 100 messages. */
const MAX_LIMIT = 100;

/**
 * WuKongIM's `POST /channel/messagesync` over Parley's history (`message.history`, the caller's
 * visible window): start and end both 0 give the newest `limit`; pull_mode 0 gives the newest
 * `limit` of (end, start], pull_mode 1 the oldest `limit` of [start, end) (end 0: no bound). Always
 * ascending; messages the caller deleted for themselves are left out.
 */
export async function messageSync(ctx: AppContext, uid: string, p: WkMessageSyncParams): Promise<Static<typeof WkMessageSyncResult>> {
  const start = p.start_message_seq ?? 0;
  const end = p.end_message_seq ?? 0;
  const limit = Math.min(p.limit ?? 30, MAX_LIMIT);
  const newer = p.pull_mode === 1 && !(start === 0 && end === 0);
  const ref = { channelId: p.channel_id, channelType: p.channel_type as 1 | 2 | 3 | 4 };
  const params: HistoryParams = newer
    ? { ...ref, startSeq: Math.max(start, 1), direction: 'down', contain: true, limit }
    : { ...ref, startSeq: start, direction: 'up', contain: start > 0, limit };
  const page = await ctx.messageActions.history(uid, params);
  const stored = page.messages.filter((m): m is Message => !('deleted' in m));
  const inRange = stored.filter((m) => (newer ? end === 0 || m.messageSeq < end : m.messageSeq > end));
  // More lies beyond the page only if the page did not already reach the end bound.
  const edge = newer ? page.messages.at(-1)?.messageSeq : page.messages[0]?.messageSeq;
  const reachedEnd = end > 0 && edge !== undefined && (newer ? edge + 1 >= end : edge - 1 <= end);
  const more = (newer ? page.hasMoreAfter : page.hasMoreBefore) && !reachedEnd;
  return { start_message_seq: start, end_message_seq: end, more: more ? 1 : 0, messages: inRange.map(toWkMessage) };
}

import type { Storage } from '../../ports/storage/index.js';
import type { MessageExpiry } from '../retention/expiry.js';
import { afterExpiry, type ConversationState, fromRow, fromSuperGroup, isMutedAt, unreadOf } from './conversation-state.js';

/**
 * A conversation's exact unread: the row's count, less what revokes or deletions hide where they
 * may (`mayHide`), which takes a read.
 */
export async function exactUnread(storage: Storage, uid: string, state: ConversationState): Promise<number> {
  const unread = unreadOf(state);
  if (!state.mayHide || unread <= 0) return unread;
  return Math.max(0, unread - (await storage.messageState.hiddenCountable(uid, state, state.readSeq, state.lastSeq)));
}

/**
 * A user's unread total (`conversation.totalUnread`) and its part in conversations not muted at
 * `now`, with nothing but the store and the expiry policy: also what the webhook delivery worker, on
 * its own connection, puts in a `message.offline`. The store sums what needs no recount;
 * conversations where something may hide or expire a message, and super groups, are counted one by one.
 */
export async function unreadTotals(
  storage: Storage,
  expiry: MessageExpiry,
  uid: string,
  now: number,
): Promise<{ totalUnread: number; unmutedUnread: number }> {
  const { plain, plainMuted, recount } = await storage.conversations.unreadTotal(uid, expiry.policy(), now);
  const superGroups = (await storage.conversations.superGroups(uid)).map((v) => fromSuperGroup(v, now)).filter((s) => s.listed);
  const states = [...recount.map(fromRow), ...superGroups];
  const floorOf = await expiry.floors(states);
  const counted = await Promise.all(
    states.map(async (state) => {
      const s = afterExpiry(state, floorOf(state));
      return { unread: await exactUnread(storage, uid, s), muted: isMutedAt(s, now) };
    }),
  );
  let totalUnread = plain;
  let unmutedUnread = plain - plainMuted;
  for (const c of counted) {
    totalUnread += c.unread;
    if (!c.muted) unmutedUnread += c.unread;
  }
  return { totalUnread, unmutedUnread };
}

export async function unreadTotal(storage: Storage, expiry: MessageExpiry, uid: string, now = Date.now()): Promise<number> {
  return (await unreadTotals(storage, expiry, uid, now)).totalUnread;
}

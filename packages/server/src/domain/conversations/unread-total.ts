import type { Storage } from '../../ports/storage/index.js';
import type { MessageExpiry } from '../retention/expiry.js';
import { afterExpiry, type ConversationState, fromRow, fromSuperGroup, unreadOf } from './conversation-state.js';

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
 * A user's unread total (`conversation.totalUnread`), with nothing but the store and the expiry
 * policy: also what the webhook delivery worker, on its own connection, puts in a `message.offline`.
 * The store sums what needs no recount; conversations where something may hide or expire a message,
 * and super groups, are counted one by one.
 */
export async function unreadTotal(storage: Storage, expiry: MessageExpiry, uid: string): Promise<number> {
  const { plain, recount } = await storage.conversations.unreadTotal(uid, expiry.policy());
  const superGroups = (await storage.conversations.superGroups(uid)).map(fromSuperGroup).filter((s) => s.listed);
  const states = [...recount.map(fromRow), ...superGroups];
  const floorOf = await expiry.floors(states);
  const counted = await Promise.all(states.map((s) => exactUnread(storage, uid, afterExpiry(s, floorOf(s)))));
  return counted.reduce((sum, n) => sum + n, plain);
}

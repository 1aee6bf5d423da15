import type { Conversation, Message, Payload } from '@parley/protocol';
import { UNTOUCHED_EXTRA } from '@parley/protocol/constants';
import type { DeletedMessage, LocalMessage } from './store.js';

/**
 * The message with `payload` as it reads now: the server sends the first content in `payload` and an
 * edit in `extra.editedPayload`; apps want the current one. The first is kept as `originalPayload`.
 * Applying it twice changes nothing.
 */
export function withCurrentPayload<T extends Message & { originalPayload?: Payload }>(m: T): T {
  const edited = m.extra?.editedPayload;
  if (!edited || m.payload === edited) return m;
  return { ...m, originalPayload: m.originalPayload ?? m.payload, payload: edited };
}

/** The `extra` of a message nothing happened to yet: not revoked, edited or read. */
export const untouchedExtra = (): Message['extra'] => ({ ...UNTOUCHED_EXTRA });

/** A conversation with nothing in it yet: no message, nothing unread, not pinned. */
export const emptyConversation = (conversationId: string, channel: { channelId: string; channelType: number }): Conversation =>
  ({
    conversationId,
    channelId: channel.channelId,
    channelType: channel.channelType,
    lastMsg: null,
    lastMsgSeq: 0,
    lastMsgType: 0,
    revokeNotification: null,
    updateTime: 0,
    ext: '',
    isPinned: false,
    pinnedTime: 0,
    unreadCount: 0,
    readSeq: 0,
    mentionedMe: false,
    version: 0,
    isMuted: false,
    mutedUntil: null,
    isArchived: false,
    labels: [],
    draft: null,
  }) as Conversation;

/** A message from the server, as the SDK hands it over. */
export const fromServer = (m: Message): LocalMessage => withCurrentPayload({ ...m, status: 'success', reasonCode: 1 });

/** A history row from the server: a message, or a seq the user deleted for themselves. */
export const rowFromServer = (m: Message | DeletedMessage): LocalMessage | DeletedMessage => ('deleted' in m ? m : fromServer(m));

/** The conversation with its last message's payload current too. */
export const currentConversation = (c: Conversation): Conversation =>
  c.lastMsg ? { ...c, lastMsg: withCurrentPayload(c.lastMsg as Message & { originalPayload?: Payload }) } : c;

export type MessageChange = 'edited' | 'reaction' | 'revoked' | 'receipt';

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * What changed between two states of one message, as `viewer` sees it. Without the earlier state (a
 * message this device never read) only a revoke can be told, from the message itself. Receipts are
 * the sender's news: another member's copy may count differently without anything happening to them.
 */
export function changesBetween(before: LocalMessage | undefined, after: LocalMessage, viewer: string): MessageChange[] {
  if (!before) return after.extra.revoked ? ['revoked'] : [];
  const changes: MessageChange[] = [];
  if (after.extra.revoked && !before.extra.revoked) changes.push('revoked');
  if (after.extra.editedAt !== before.extra.editedAt && !after.extra.revoked) changes.push('edited');
  if (!same(after.reactions, before.reactions)) changes.push('reaction');
  // Only a reader raises readCount; unreadCount also moves with a group's members.
  if (after.fromUid === viewer && after.extra.readCount !== before.extra.readCount) changes.push('receipt');
  return changes;
}

/** True when the two states differ in anything the server may change after sending. */
export const differs = (before: LocalMessage, after: LocalMessage): boolean =>
  !same(
    [before.payload, before.extra, before.reactions, before.reply, before.stream],
    [after.payload, after.extra, after.reactions, after.reply, after.stream],
  );

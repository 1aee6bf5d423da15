import type { Conversation, Message } from '@parley/protocol';
import { MUTED_FOREVER } from '../../ports/storage/index.js';
import { viewedChannelId } from '../messages/message-view.js';
import { type ConversationState, isMutedAt } from './conversation-state.js';

/**
 * The wire conversation, without its last message (spliced in by the caller, already rendered).
 * `unreadCount` comes from the caller, which knows whether it had to be recounted exactly.
 */
export function conversationFields(
  s: ConversationState,
  ownerUid: string,
  unreadCount: number,
  lastMsg: Message | null,
  now: number,
): Omit<Conversation, 'lastMsg'> {
  const muted = isMutedAt(s, now);
  const revoked = lastMsg?.extra.revoked === true;
  return {
    conversationId: s.conversationId,
    channelId: viewedChannelId(s.channelType, s.channelId, ownerUid),
    channelType: s.channelType,
    updateTime: s.updateTime,
    lastMsgType: revoked ? 1 : 0,
    revokeNotification:
      revoked && lastMsg
        ? { messageId: lastMsg.messageId, revoker: lastMsg.extra.revoker ?? '', revokedAt: lastMsg.extra.revokedAt ?? 0 }
        : null,
    ext: s.ext,
    isPinned: s.pinnedAt > 0,
    pinnedTime: s.pinnedAt,
    unreadCount,
    readSeq: s.readSeq,
    lastMsgSeq: s.lastSeq,
    mentionedMe: s.mentionSeq > s.readSeq,
    version: s.version,
    isMuted: muted,
    // A mute with no end (MUTED_FOREVER) has no time to show.
    mutedUntil: muted && s.mutedUntil < MUTED_FOREVER ? s.mutedUntil : null,
    isArchived: s.archived,
    labels: s.labels,
    draft: s.draftAt > 0 ? { text: s.draftText, ext: s.draftExt, updatedAt: s.draftAt } : null,
  };
}

/** `lastMsg` decides lastMsgType and revokeNotification; `withLastMsg: false` leaves it out of the answer. */
export function toConversation(
  s: ConversationState,
  ownerUid: string,
  unreadCount: number,
  lastMsg: Message | null,
  now: number,
  recents?: Message[],
  withLastMsg = true,
): Conversation {
  // Extended in place, not spread into a copy: one object per conversation on every list page.
  const conversation = conversationFields(s, ownerUid, unreadCount, lastMsg, now) as Conversation;
  conversation.lastMsg = withLastMsg ? lastMsg : null;
  if (recents) conversation.recents = recents;
  return conversation;
}

/**
 * The same conversation as JSON text around a just-sent last message, already rendered (the send
 * path's push): a new message is neither revoked nor hiding anything, so the plain unread holds.
 */
export function renderConversationJson(
  s: ConversationState,
  ownerUid: string,
  unreadCount: number,
  lastMsgJson: string,
  now: number,
): string {
  return `{"lastMsg":${lastMsgJson},${JSON.stringify(conversationFields(s, ownerUid, unreadCount, null, now)).slice(1)}`;
}

import type { Conversation, Message } from '@parley/protocol';
import { viewedChannelId } from '../messages/message-view.js';
import { type ConversationState, unreadOf } from './conversation-state.js';

/** The wire conversation, without its last message (spliced in by the caller, already rendered). */
export function conversationFields(s: ConversationState, ownerUid: string): Omit<Conversation, 'lastMsg'> {
  return {
    conversationId: s.conversationId,
    channelId: viewedChannelId(s.channelType, s.channelId, ownerUid),
    channelType: s.channelType,
    updateTime: s.updateTime,
    lastMsgType: 0,
    revokeNotification: null,
    ext: s.ext,
    isPinned: s.pinnedAt > 0,
    pinnedTime: s.pinnedAt,
    unreadCount: unreadOf(s),
    readSeq: s.readSeq,
    lastMsgSeq: s.lastSeq,
    mentionedMe: s.mentionSeq > s.readSeq,
    version: s.version,
  };
}

export function toConversation(s: ConversationState, ownerUid: string, lastMsg: Message | null, recents?: Message[]): Conversation {
  const conversation: Conversation = { ...conversationFields(s, ownerUid), lastMsg };
  if (recents) conversation.recents = recents;
  return conversation;
}

/** The same conversation as JSON text around an already rendered last message (the send path's push). */
export function renderConversationJson(s: ConversationState, ownerUid: string, lastMsgJson: string): string {
  return `{"lastMsg":${lastMsgJson},${JSON.stringify(conversationFields(s, ownerUid)).slice(1)}`;
}

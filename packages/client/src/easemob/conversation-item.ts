import type { Conversation } from '@parley/protocol';
import { chatTypeOf } from './chat-type.js';
import { toMessageBody } from './message-body.js';
import type { ConversationItem } from './types.js';

/** A Parley conversation as Easemob's `ConversationItem`; a recalled last message is gone, as in Easemob. */
export function toConversationItem(c: Conversation, viewer: string): ConversationItem {
  const last = c.lastMsg && !c.lastMsg.extra.revoked ? toMessageBody(c.lastMsg, viewer) : {};
  return {
    conversationId: c.channelId,
    conversationType: chatTypeOf(c.channelType),
    isPinned: c.isPinned,
    pinnedTime: c.pinnedTime,
    lastMessage: last,
    unReadCount: c.unreadCount,
  };
}

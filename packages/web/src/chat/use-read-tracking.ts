import type { LocalMessage, ParleyClient } from '@parley/client';
import type { Conversation } from '@parley/protocol';
import { useEffect, useRef, useSyncExternalStore } from 'react';

const onVisibility = (listener: () => void) => {
  document.addEventListener('visibilitychange', listener);
  return () => document.removeEventListener('visibilitychange', listener);
};
const isVisible = () => document.visibilityState === 'visible';

/**
 * While the chat is on screen: the conversation is marked read as messages arrive, and messages that
 * ask for receipts are reported read (once each), so their senders see "Read".
 */
export function useReadTracking(client: ParleyClient, conversation: Conversation | undefined, items: LocalMessage[]): void {
  const visible = useSyncExternalStore(onVisibility, isVisible);
  const reported = useRef(new Set<string>());
  const unread = conversation?.unreadCount ?? 0;
  const conversationId = conversation?.conversationId;

  useEffect(() => {
    if (visible && conversationId && unread > 0) client.conversations.markRead({ conversationId }).catch(() => {});
  }, [client, visible, conversationId, unread]);

  useEffect(() => {
    if (!visible) return;
    const ids = items
      .filter((m) => m.fromUid !== client.uid && m.setting.receipt && !m.extra.revoked && m.messageSeq > 0)
      .map((m) => m.messageId)
      .filter((id) => !reported.current.has(id));
    for (const id of ids) reported.current.add(id);
    for (let i = 0; i < ids.length; i += 100) client.messages.readReceipt(ids.slice(i, i + 100)).catch(() => {});
  }, [client, visible, items]);
}

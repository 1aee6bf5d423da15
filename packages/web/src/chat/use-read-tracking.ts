import type { LocalMessage, ParleyClient } from '@parley/client';
import type { Conversation } from '@parley/protocol';
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';

const onVisibility = (listener: () => void) => {
  document.addEventListener('visibilitychange', listener);
  return () => document.removeEventListener('visibilitychange', listener);
};
const isVisible = () => document.visibilityState === 'visible';

/**
 * Reading is seeing: only messages that were on screen (`onScreen`, while the tab is visible) count.
 * The conversation is marked read up to the newest of them, and those that ask for receipts are reported
 * read (once each), so their senders see "Read". Answers the newest seq seen since the chat opened.
 */
export function useReadTracking(
  client: ParleyClient,
  conversation: Conversation | undefined,
  items: LocalMessage[],
  onScreen: ReadonlySet<string>,
): number {
  const visible = useSyncExternalStore(onVisibility, isVisible);
  const reported = useRef(new Set<string>());
  const marked = useRef(0);
  const [newestSeen, setNewestSeen] = useState(0);
  // What failed while offline is tried again once connected: the reconnect re-runs the effect below.
  const [connections, setConnections] = useState(0);
  useEffect(() => {
    client.onStatus.add('read-tracking', (status) => {
      if (status === 'connected') setConnections((n) => n + 1);
    });
    return () => client.onStatus.remove('read-tracking');
  }, [client]);
  const unread = conversation?.unreadCount ?? 0;
  const readSeq = conversation?.readSeq ?? 0;
  const conversationId = conversation?.conversationId;

  // biome-ignore lint/correctness/useExhaustiveDependencies: `connections` re-runs it after a reconnect, to send what failed offline
  useEffect(() => {
    if (!visible) return;
    const seen = items.filter((m) => m.messageSeq > 0 && onScreen.has(m.messageId));
    const newest = Math.max(0, ...seen.map((m) => m.messageSeq));
    setNewestSeen((n) => Math.max(n, newest));
    if (conversationId && unread > 0 && newest > Math.max(readSeq, marked.current)) {
      marked.current = newest;
      client.conversations.markRead({ conversationId }, newest).catch(() => {
        marked.current = 0; // offline, say: the next change tries again
      });
    }
    const ids = seen
      .filter((m) => m.fromUid !== client.uid && m.setting.receipt && !m.extra.revoked && !reported.current.has(m.messageId))
      .map((m) => m.messageId);
    for (const id of ids) reported.current.add(id);
    for (let i = 0; i < ids.length; i += 100) {
      const batch = ids.slice(i, i + 100);
      client.messages.readReceipt(batch).catch(() => {
        for (const id of batch) reported.current.delete(id);
      });
    }
  }, [client, visible, items, onScreen, conversationId, unread, readSeq, connections]);

  return newestSeen;
}

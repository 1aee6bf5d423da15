import { isMuted, type ParleyClient } from '@parley/client';
import { useEffect, useRef } from 'react';
import { conversationIdOf, isGroup } from '../conversations/address';
import type { GroupDirectory } from '../groups/group-directory';
import { notificationsState } from './desktop-notifications';
import { notificationText, shouldNotify } from './notify-rules';

/**
 * Shows a desktop notification for each new message that deserves one (see shouldNotify) while
 * notifications are on; one per conversation at a time (a newer one replaces it), and a click on
 * it brings the tab forward with that conversation open.
 */
export function useDesktopNotifications(
  client: ParleyClient,
  groups: GroupDirectory,
  open: string | undefined,
  onOpen: (conversationId: string) => void,
): void {
  // Read when a message arrives, so the listener is not re-added on every change of chat.
  const current = useRef({ open, onOpen });
  current.current = { open, onOpen };
  useEffect(() => {
    client.messages.onNewMessage.add('desktop-notifications', async (m) => {
      if (notificationsState() !== 'on') return;
      const conversationId = conversationIdOf({ channelType: m.channelType as 1 | 2 | 3 | 4, channelId: m.channelId });
      const at = { me: client.uid, open: current.current.open, hidden: document.visibilityState === 'hidden', muted: false };
      if (!shouldNotify(m, at)) return;
      // Only for a message that would notify: the conversation list is read from the SDK's store.
      const conversation = (await client.conversations.all()).find((c) => c.conversationId === conversationId);
      if (conversation && !shouldNotify(m, { ...at, muted: isMuted(conversation) })) return;
      const { title, body } = notificationText(m, isGroup(m) ? groups.info(m.channelId)?.name : undefined);
      let notification: Notification;
      try {
        notification = new Notification(title, { body, tag: conversationId });
      } catch {
        // Some browsers (Chrome on Android) allow notifications only through a service worker: none there.
        return;
      }
      notification.onclick = () => {
        window.focus();
        current.current.onOpen(conversationId);
        notification.close();
      };
    });
    return () => client.messages.onNewMessage.remove('desktop-notifications');
  }, [client, groups]);
}

import type { Message } from '@parley/protocol';
import { isNotice, summaryOf } from '../chat/content';
import { conversationIdOf } from '../conversations/address';

export interface NotifyContext {
  me: string;
  /** The conversation on screen, if any. */
  open: string | undefined;
  /** The tab is in the background (another tab, or the window minimised). */
  hidden: boolean;
  /** The conversation is muted now (do not disturb): no notification, whatever else. */
  muted: boolean;
}

export type Incoming = Pick<Message, 'fromUid' | 'channelType' | 'channelId' | 'payload' | 'extra' | 'header'>;

/**
 * Whether a new message deserves a desktop notification: someone else's, counted unread (not a
 * group notice, not sent with `redDot: false`), in a chat that is not muted and not on screen.
 */
export function shouldNotify(m: Incoming, at: NotifyContext): boolean {
  if (at.muted || m.fromUid === at.me || isNotice(m) || m.header?.redDot === false) return false;
  const conversationId = conversationIdOf({ channelType: m.channelType as 1 | 2 | 3 | 4, channelId: m.channelId });
  return at.hidden || conversationId !== at.open;
}

/** Title and body: the sender in a 1:1 chat; the group's name, and the sender in the body, in a group. */
export function notificationText(m: Incoming, groupName: string | undefined): { title: string; body: string } {
  const text = summaryOf(m);
  if (m.channelType === 1) return { title: m.fromUid, body: text };
  if (m.channelType === 4) return { title: 'System notices', body: text };
  return { title: groupName || m.channelId, body: `${m.fromUid}: ${text}` };
}

import type { Conversation } from '@parley/protocol';
import { isNotice, summaryOf } from '../chat/content';

const who = (uid: string, me: string) => (uid === me ? 'You' : uid);

/** The list line under a conversation's name: a revoke notice, or the last message, with its sender in groups. */
export function previewOf(c: Conversation, me: string): string {
  if (c.lastMsgType === 1 || c.lastMsg?.extra.revoked) {
    const revoker = c.revokeNotification?.revoker ?? c.lastMsg?.extra.revoker ?? c.lastMsg?.fromUid ?? '';
    return `${who(revoker, me)} revoked a message`;
  }
  const m = c.lastMsg;
  if (!m) return '';
  const text = summaryOf(m);
  return c.channelType === 1 || c.channelType === 4 || isNotice(m) ? text : `${who(m.fromUid, me)}: ${text}`;
}

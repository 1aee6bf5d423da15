import type { Conversation } from '@parley/protocol';
import { type NIMSessionTypePair, sessionTypePairOf } from './session-id.js';

/**
 * What is known of the revoke behind a conversation's last message. NIM documents that this notice
 * may carry "only part of the content"; here it is who revoked which message, and when.
 */
export interface RevokeMsgNotification {
  revokeAccount: string;
  messageId: string;
  revokedAt: number;
}

/** NIM's `RecentSession`, field for field (Flutter and Android). */
export interface RecentSession {
  /** `p2p|accid`, `team|tid` or `super_team|tid`. */
  sessionId: string;
  /** ms: the last message, or the last change of ext while there is none. */
  updateTime: number;
  /** Private to its owner. */
  ext: string;
  /** The last message as a JSON string (Parley's message object), or null (none, or needLastMsg = 0). */
  lastMsg: string | null;
  /** Filled when the last message was revoked (lastMsgType 1). */
  revokeNotification: RevokeMsgNotification | null;
  sessionTypePair: NIMSessionTypePair;
  /** 0 a normal message, 1 a revoke notice. */
  lastMsgType: number;
}

/** NIM's `RecentSessionList`: one page, and whether older sessions remain. */
export interface RecentSessionList {
  hasMore: boolean;
  sessionList: RecentSession[];
}

export function toRecentSession(c: Conversation): RecentSession {
  const revoke = c.revokeNotification;
  return {
    sessionId: c.conversationId,
    updateTime: c.updateTime,
    ext: c.ext,
    lastMsg: c.lastMsg ? JSON.stringify(c.lastMsg) : null,
    revokeNotification: revoke ? { revokeAccount: revoke.revoker, messageId: revoke.messageId, revokedAt: revoke.revokedAt } : null,
    sessionTypePair: sessionTypePairOf(c.conversationId),
    lastMsgType: c.lastMsgType,
  };
}

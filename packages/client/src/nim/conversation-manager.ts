import type { Conversation, ListResult, Message } from '@parley/protocol';
import type { ParleyClient } from '../client.js';
import { invocation } from './invocation-future.js';
import { deleteSessions } from './message-service.js';
import { listParamsOf } from './query-option.js';
import { type RevokeMsgNotification, toRecentSession } from './recent-session.js';
import type { NIMResult } from './result.js';
import { conversationIdOf, type NIMSessionType, sessionTypePairOf } from './session-id.js';

/** iOS's `NIMSession`: the bare id and its type. */
export interface NIMSession {
  sessionId: string;
  sessionType: NIMSessionType;
}

/** iOS's `NIMRecentSession` as the server session service fills it. */
export interface NIMRecentSession {
  session: NIMSession;
  /** Exact (NIM's legacy server sessions have none). */
  unreadCount: number;
  /** Device-local data in NIM; there is none on a server session. */
  localExt: Record<string, unknown> | null;
  /** ms, as everywhere in this facade (see `NIMFetchServerSessionOption`). */
  updateTime: number;
  serverExt: string;
  /** 0 a normal message, 1 a revoke notice. */
  lastMessageType: number;
  lastMessage: Message | null;
  lastRevokeNotification: RevokeMsgNotification | null;
}

/**
 * iOS's `NIMFetchServerSessionOption`. Timestamps are ms here, like Flutter's and Android's, so the
 * iOS sample's `maxTimestamp = currentMin - 1` pages without a gap.
 */
export interface NIMFetchServerSessionOption {
  minTimestamp?: number;
  maxTimestamp?: number;
  needLastMessage?: boolean;
  limit?: number;
}

/** iOS's `NSError`: `code` is the NIM code (404, 414, ...), the message keeps Parley's code. */
export class NIMError extends Error {
  override name = 'NIMError';
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

const errorOf = (r: NIMResult<unknown>): NIMError | null => (r.isSuccess ? null : new NIMError(r.code, r.errorDetails ?? ''));

function toNIMRecentSession(c: Conversation): NIMRecentSession {
  const nim = toRecentSession(c);
  return {
    session: sessionTypePairOf(c.conversationId),
    unreadCount: c.unreadCount,
    localExt: null,
    updateTime: c.updateTime,
    serverExt: c.ext,
    lastMessageType: c.lastMsgType,
    lastMessage: c.lastMsg,
    lastRevokeNotification: nim.revokeNotification,
  };
}

const idOf = (session: NIMSession): string => conversationIdOf(session.sessionId, session.sessionType);

/**
 * NIM iOS's server session calls (`[NIMSDK sharedSDK].conversationManager`). Each takes the iOS
 * completion block as an optional callback and also answers the `NIMResult`.
 */
export class NIMConversationManager {
  constructor(private readonly client: ParleyClient) {}

  /** A page of server sessions; a null option fetches the first page of everything. */
  fetchServerSessions(
    option: NIMFetchServerSessionOption | null,
    completion?: (error: NIMError | null, recentSessions: NIMRecentSession[] | null, hasMore: boolean) => void,
  ): Promise<NIMResult<{ recentSessions: NIMRecentSession[]; hasMore: boolean }>> {
    const answer = invocation(async () => {
      const params = listParamsOf({ ...option, needLastMsg: option?.needLastMessage ?? true });
      const page = await this.client.request<ListResult>('conversation.list', params);
      return { recentSessions: page.conversations.map(toNIMRecentSession), hasMore: page.hasMore };
    });
    return answer.then((r) => {
      completion?.(errorOf(r), r.data?.recentSessions ?? null, r.data?.hasMore ?? false);
      return r;
    });
  }

  fetchServerSessionBySession(
    session: NIMSession,
    completion?: (error: NIMError | null, recentSession: NIMRecentSession | null) => void,
  ): Promise<NIMResult<NIMRecentSession>> {
    const answer = invocation(async () => toNIMRecentSession(await this.client.conversations.get(idOf(session))));
    return answer.then((r) => {
      completion?.(errorOf(r), r.data);
      return r;
    });
  }

  updateServerSessionExt(ext: string, session: NIMSession, completion?: (error: NIMError | null) => void): Promise<NIMResult<void>> {
    const answer = invocation(async () => {
      await this.client.conversations.updateExt({ conversationId: idOf(session) }, ext);
    });
    return answer.then((r) => {
      completion?.(errorOf(r));
      return r;
    });
  }

  deleteServerSessions(sessions: NIMSession[], completion?: (error: NIMError | null) => void): Promise<NIMResult<void>> {
    return deleteSessions(this.client, sessions).then((r) => {
      completion?.(errorOf(r));
      return r;
    });
  }
}

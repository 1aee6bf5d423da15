import type { ErrorCode, ListResult } from '@parley/protocol';
import type { ParleyClient } from '../client.js';
import { ParleyClientError } from '../errors.js';
import { type InvocationFuture, invocation } from './invocation-future.js';
import { listParamsOf, type QueryMySessionOption } from './query-option.js';
import { type RecentSession, type RecentSessionList, toRecentSession } from './recent-session.js';
import { paramError } from './result.js';
import { conversationIdOf, type NIMMySessionKey, type NIMSessionType } from './session-id.js';
import { SessionUpdateStream } from './session-stream.js';

/**
 * NIM's server session service under its Flutter and Android names (`MessageService` /
 * `MsgService`). Every call answers an `InvocationFuture`: a promise of `NIMResult` that Android
 * code can also `setCallback` on.
 */
export class NimMessageService {
  readonly onMySessionUpdate: SessionUpdateStream;

  constructor(private readonly client: ParleyClient) {
    this.onMySessionUpdate = new SessionUpdateStream(client);
  }

  /**
   * Newest first. Flutter's positional form `(minTimestamp, maxTimestamp, needLastMsg, limit, hasMore)`
   * or Android's `QueryMySessionOption`. Page back with `maxTimestamp` = the oldest `updateTime`
   * seen (or that minus 1, as NIM's iOS sample does: Parley keeps a user's update times 2 ms apart,
   * so neither form skips a session); fetch what changed since with `minTimestamp`.
   */
  queryMySessionList(option?: QueryMySessionOption): InvocationFuture<RecentSessionList>;
  queryMySessionList(
    minTimestamp: number,
    maxTimestamp?: number | null,
    needLastMsg?: 0 | 1 | null,
    limit?: number | null,
    hasMore?: 0 | 1 | null,
  ): InvocationFuture<RecentSessionList>;
  queryMySessionList(
    first?: number | QueryMySessionOption,
    maxTimestamp?: number | null,
    needLastMsg?: 0 | 1 | null,
    limit?: number | null,
    hasMore?: 0 | 1 | null,
  ): InvocationFuture<RecentSessionList> {
    return invocation(async () => {
      const option: QueryMySessionOption =
        typeof first === 'object' && first !== null ? first : { minTimestamp: first, maxTimestamp, needLastMsg, limit, hasMore };
      const page = await this.client.request<ListResult>('conversation.list', listParamsOf(option));
      return { hasMore: page.hasMore, sessionList: page.conversations.map(toRecentSession) };
    });
  }

  /** One session by id (`p2p|accid`; Flutter also passes the type); 404 when there is none. */
  queryMySession(sessionId: string, sessionType?: NIMSessionType): InvocationFuture<RecentSession> {
    return invocation(async () => toRecentSession(await this.client.conversations.get(conversationIdOf(sessionId, sessionType))));
  }

  /**
   * Sets the session's private ext (at most 1 024 bytes); creates the session, without a last
   * message, when there is none. Android's `(sessionId, ext)` or Flutter's `(sessionId, sessionType, ext)`.
   */
  updateMySession(sessionId: string, ext: string): InvocationFuture<void>;
  updateMySession(sessionId: string, sessionType: NIMSessionType, ext: string): InvocationFuture<void>;
  updateMySession(sessionId: string, second: string, third?: string): InvocationFuture<void> {
    return invocation(async () => {
      const [sessionType, ext] = third === undefined ? [undefined, second] : [second as NIMSessionType, third];
      if (typeof ext !== 'string') throw paramError('ext must be a string');
      await this.client.conversations.updateExt({ conversationId: conversationIdOf(sessionId, sessionType) }, ext);
    });
  }

  /**
   * Deletes sessions (Android's `String[]` of ids or Flutter's `NIMMySessionKey`s); their messages
   * stay. Each id is deleted on its own: when some fail, the answer is the first failure's code.
   */
  deleteMySession(sessions: ReadonlyArray<string | NIMMySessionKey>): InvocationFuture<void> {
    return deleteSessions(this.client, sessions);
  }
}

export function deleteSessions(client: ParleyClient, sessions: ReadonlyArray<string | NIMMySessionKey>): InvocationFuture<void> {
  return invocation(async () => {
    if (!Array.isArray(sessions) || sessions.length === 0) throw paramError('name at least one session');
    const ids = sessions.map((s) => (typeof s === 'string' ? conversationIdOf(s) : conversationIdOf(s.sessionId, s.sessionType)));
    const { results } = await client.conversations.delete(ids, false);
    // A partial failure is still a failure to the caller, with the code of the first refused id.
    const failure = results.find((r) => !r.ok)?.error;
    if (failure) throw new ParleyClientError(failure.code as ErrorCode, failure.message);
  });
}

/**
 * `@parley/client/nim`: NetEase NIM's server session service (seeds 000-002) over `@parley/client`.
 * See docs/migrate-from-nim.md.
 */
export {
  NIMConversationManager,
  NIMError,
  type NIMFetchServerSessionOption,
  type NIMRecentSession,
  type NIMSession,
} from './conversation-manager.js';
export type { InvocationFuture, RequestCallback } from './invocation-future.js';
export { NimMessageService } from './message-service.js';
export { NimCore } from './nim-core.js';
export { NIM_LIST_MAX, type QueryMySessionOption } from './query-option.js';
export type { RecentSession, RecentSessionList, RevokeMsgNotification } from './recent-session.js';
export { type NIMResult, NIMResultCode } from './result.js';
export type { NIMMySessionKey, NIMSessionType, NIMSessionTypePair } from './session-id.js';
export type { SessionUpdateStream, StreamSubscription } from './session-stream.js';

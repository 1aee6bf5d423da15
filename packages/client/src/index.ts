export type {
  ClientLimits,
  Conversation,
  ConversationMatch,
  Message,
  MessageSearchParams,
  MessageSearchResult,
  Payload,
  PresenceState,
  Profile,
  TypingEvent,
} from '@parley/protocol';
export { isRetryable, isRetryableReason } from '@parley/protocol/constants';
export { type ClientOptions, connect, ParleyClient, type UploadedFile } from './client.js';
export { newClientMsgNo } from './client-msg-no.js';
export type { ConnectionOptions, ConnectionStatus } from './connection.js';
export { Conversations, isMuted } from './conversations.js';
export { type ClientErrorCode, ParleyClientError } from './errors.js';
export { IndexedDbStore } from './indexeddb-store.js';
export { KeyedListeners } from './listeners.js';
export { type ChannelAddress, type HistoryQuery, Messages, type SendOptions } from './messages.js';
export { People } from './people.js';
export { Search } from './search.js';
export type { SocketFactory, SocketLike } from './socket.js';
export { type ClientStore, type DeletedMessage, type LocalMessage, MemoryStore, type SendStatus, type StoreSnapshot } from './store.js';
export type { StreamChunk } from './stream-chunks.js';

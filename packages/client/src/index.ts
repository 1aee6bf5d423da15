export type { Conversation, Message, Payload } from '@parley/protocol';
export { type ClientOptions, connect, ParleyClient, type UploadedFile } from './client.js';
export type { ConnectionOptions, ConnectionStatus } from './connection.js';
export { Conversations } from './conversations.js';
export { ParleyClientError } from './errors.js';
export { KeyedListeners } from './listeners.js';
export { type ChannelAddress, type HistoryQuery, Messages, type SendOptions } from './messages.js';
export type { SocketFactory, SocketLike } from './socket.js';
export { type ClientStore, type DeletedMessage, type LocalMessage, MemoryStore, type SendStatus } from './store.js';

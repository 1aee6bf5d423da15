/**
 * `@parley/client/easemob`: the Easemob Web SDK's server conversations, pins and roaming history
 * (seed 003) over `@parley/client`. See docs/migrate-from-easemob.md.
 */
export { chatTypeOf } from './chat-type.js';
export { CONVERSATION_PAGE_MAX, EasemobConnection, REMOVE_BY_IDS_MAX } from './connection.js';
export { EasemobCode, EasemobError } from './errors.js';
export { type GetHistoryMessagesOptions, HISTORY_PAGE_MAX } from './history.js';
export { toMessageBody } from './message-body.js';
export type * from './types.js';

/**
 * `@parley/client/wukongim`: WuKongIM's message API (seed 004) over `@parley/client`: content
 * classes, the inserted / new / refresh listeners, orderSeq history and the WKMsg structure.
 * See docs/migrate-from-wukongim.md.
 */

export { WKConnectionManager } from './connection-manager.js';
export { WKChannelType, WKConnectStatus, WKSendMsgResult, WkMessageContentType, wkOrderSeqFactor } from './const.js';
export {
  type WKContentJson,
  WKImageContent,
  WKMediaMessageContent,
  WKMessageContent,
  WKTextContent,
  WKUnknownContent,
} from './content.js';
export type { ContentFactory } from './content-registry.js';
export { WKMessageManager } from './message-manager.js';
export {
  MessageHeader,
  Setting,
  WKChannel,
  WKMentionInfo,
  WKMsg,
  WKMsgEntity,
  WKMsgExtra,
  WKMsgReaction,
  WKReply,
  WKSendOptions,
} from './msg.js';
export { RECENTS_PER_CONVERSATION } from './recents-cache.js';
export { WKIM } from './wkim.js';

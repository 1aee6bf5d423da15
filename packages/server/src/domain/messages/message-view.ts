import { ChannelType, type Message, type MessageHeader, type MessageSetting, type Payload } from '@parley/protocol';
import type { StoredMessage } from '../../ports/storage/index.js';
import { peerOf } from '../channels/person-channel.js';

/** What is kept in a message's `meta` column: everything but the payload and the indexed fields. */
export interface MessageMeta {
  header: Required<MessageHeader>;
  setting: MessageSetting;
  reply?: Message['reply'];
  mentions?: Message['mentions'];
  entities?: Message['entities'];
}

const NO_EXTRA: Message['extra'] = {
  revoked: false,
  revoker: null,
  revokedAt: null,
  editedAt: null,
  editedPayload: null,
  readCount: 0,
  unreadCount: 0,
};

export interface MessageParts {
  messageId: string;
  messageSeq: number;
  clientMsgNo: string;
  fromUid: string;
  channelType: StoredMessage['channelType'];
  /** Internal channel id (both uids for a person channel). */
  channelId: string;
  timestamp: number;
  payload: Payload;
  meta: MessageMeta;
}

/**
 * Stands for the viewer while a person-channel frame is rendered once for both sides; it cannot
 * collide with a uid (control characters are outside the id rule).
 */
export const VIEWER_PLACEHOLDER = '\u0001viewer\u0001';

/** The channel id as `viewerUid` names it: a person channel is named by the other side. */
export const viewedChannelId = (channelType: number, channelId: string, viewerUid: string): string =>
  channelType !== ChannelType.Person ? channelId : viewerUid === VIEWER_PLACEHOLDER ? VIEWER_PLACEHOLDER : peerOf(channelId, viewerUid);

export function toWireMessage(m: MessageParts, viewerUid: string): Message {
  const wire: Message = {
    messageId: m.messageId,
    messageSeq: m.messageSeq,
    clientMsgNo: m.clientMsgNo,
    fromUid: m.fromUid,
    channelId: viewedChannelId(m.channelType, m.channelId, viewerUid),
    channelType: m.channelType,
    timestamp: m.timestamp,
    contentType: m.payload.type,
    payload: m.payload,
    header: m.meta.header,
    setting: m.meta.setting,
    extra: NO_EXTRA,
    reactions: [],
  };
  if (m.meta.reply) wire.reply = m.meta.reply;
  if (m.meta.mentions) wire.mentions = m.meta.mentions;
  if (m.meta.entities) wire.entities = m.meta.entities;
  return wire;
}

export const partsOfStored = (s: StoredMessage): MessageParts => ({
  ...s,
  payload: JSON.parse(s.payloadJson) as Payload,
  meta: JSON.parse(s.metaJson) as MessageMeta,
});

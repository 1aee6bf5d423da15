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
const NO_EXTRA_JSON = JSON.stringify(NO_EXTRA);

/** A message as stored: payload and meta stay serialized from the send to the wire. */
export type MessageParts = Omit<StoredMessage, 'redDot'>;

/** The channel id as `viewerUid` names it: a person channel is named by the other side. */
export const viewedChannelId = (channelType: number, channelId: string, viewerUid: string): string =>
  channelType === ChannelType.Person ? peerOf(channelId, viewerUid) : channelId;

/**
 * The wire `Message` as JSON text, spliced from the already serialized payload and meta: the send
 * path's hottest serialization. `toWireMessage` is the same message as an object, and
 * message-view.test.ts holds the two equal.
 */
export function renderMessageJson(m: MessageParts, viewerUid: string): string {
  return (
    `{"messageId":"${m.messageId}","messageSeq":${m.messageSeq},"clientMsgNo":${JSON.stringify(m.clientMsgNo)},` +
    `"fromUid":${JSON.stringify(m.fromUid)},"channelId":${JSON.stringify(viewedChannelId(m.channelType, m.channelId, viewerUid))},` +
    `"channelType":${m.channelType},"timestamp":${m.timestamp},"contentType":${m.contentType},"payload":${m.payloadJson},` +
    `${m.metaJson.slice(1, -1)},"extra":${NO_EXTRA_JSON},"reactions":[]}`
  );
}

export function toWireMessage(m: MessageParts, viewerUid: string): Message {
  const meta = JSON.parse(m.metaJson) as MessageMeta;
  return {
    messageId: m.messageId,
    messageSeq: m.messageSeq,
    clientMsgNo: m.clientMsgNo,
    fromUid: m.fromUid,
    channelId: viewedChannelId(m.channelType, m.channelId, viewerUid),
    channelType: m.channelType,
    timestamp: m.timestamp,
    contentType: m.contentType,
    payload: JSON.parse(m.payloadJson) as Payload,
    ...meta,
    extra: NO_EXTRA,
    reactions: [],
  };
}

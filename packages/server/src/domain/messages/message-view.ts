import { ChannelType, jsonShapeProblem, type Message, type MessageHeader, type MessageSetting, type Payload } from '@parley/protocol';
import { UNTOUCHED_EXTRA } from '@parley/protocol/constants';
import { STREAM_OPEN, type StoredMessage } from '../../ports/storage/index.js';
import { peerOf } from '../channels/person-channel.js';
import { withoutPreview } from './revoked-quotes.js';

/** What is kept in a message's `meta` column: everything but the payload and the indexed fields. */
export interface MessageMeta {
  header: Required<MessageHeader>;
  setting: MessageSetting;
  reply?: Message['reply'];
  mentions?: Message['mentions'];
  entities?: Message['entities'];
}

const NO_EXTRA_JSON = JSON.stringify(UNTOUCHED_EXTRA);

/**
 * Deeper than this, JSON.stringify could overflow the stack while answering. The edge refuses such
 * payloads (PARLEY_JSON_MAX_DEPTH, at most 128), but a row stored before that check, or under a
 * looser setting, must not take down every page it appears on.
 */
const RENDERABLE = { maxDepth: 128, maxNodes: Number.POSITIVE_INFINITY };

/**
 * A stored payload as an object; one that cannot be rendered safely is shown as its bare type,
 * like a revoked message, instead of failing the whole list or history page it is part of.
 */
export function parseStoredPayload(json: string, contentType: number): Payload {
  try {
    const payload = JSON.parse(json) as Payload;
    if (!jsonShapeProblem(payload, RENDERABLE)) return payload;
  } catch {}
  return { type: contentType };
}

/** The meta of a send with no setting, reply, mentions or entities, by its header: eight strings, made once. */
const PLAIN_META_JSON = Array.from({ length: 8 }, (_, bits) =>
  JSON.stringify({ header: { noPersist: (bits & 4) > 0, redDot: (bits & 2) > 0, syncOnce: (bits & 1) > 0 }, setting: {} }),
);

const isEmpty = (o: object): boolean => {
  for (const _ in o) return false;
  return true;
};

/**
 * `JSON.stringify(meta)`, without serializing on every send the common meta that is only the
 * header's three flags (one of eight strings).
 */
export function metaJsonOf(meta: MessageMeta): string {
  if (meta.reply !== undefined || meta.mentions !== undefined || meta.entities !== undefined || !isEmpty(meta.setting))
    return JSON.stringify(meta);
  const { noPersist, redDot, syncOnce } = meta.header;
  return PLAIN_META_JSON[(noPersist ? 4 : 0) + (redDot ? 2 : 0) + (syncOnce ? 1 : 0)] as string;
}

/** A message as stored: payload and meta stay serialized from the send to the wire. */
export type MessageParts = Omit<StoredMessage, 'redDot'>;

/** The channel id as `viewerUid` names it: a person channel is named by the other side. */
export const viewedChannelId = (channelType: number, channelId: string, viewerUid: string): string =>
  channelType === ChannelType.Person ? peerOf(channelId, viewerUid) : channelId;

/**
 * A just-sent message as JSON text, spliced from the already serialized payload and meta: the send
 * path's hottest serialization (a new message has no revoke, edit or reaction yet). `toWireMessage` is the same message as an object, and
 * message-view.test.ts holds the two equal.
 */
export function renderMessageJson(m: MessageParts, viewerUid: string): string {
  return (
    `{"messageId":"${m.messageId}","messageSeq":${m.messageSeq},"clientMsgNo":${JSON.stringify(m.clientMsgNo)},` +
    `"fromUid":${JSON.stringify(m.fromUid)},"channelId":${JSON.stringify(viewedChannelId(m.channelType, m.channelId, viewerUid))},` +
    `"channelType":${m.channelType},"timestamp":${m.timestamp},"contentType":${m.contentType},"payload":${m.payloadJson},` +
    `${m.metaJson.slice(1, -1)},"extra":${NO_EXTRA_JSON},"reactions":[]${m.streamState > 0 ? `,"stream":${JSON.stringify(streamOf(m))}` : ''}}`
  );
}

/** A streamed message's `stream` field (only streamed messages have one). */
export const streamOf = (m: Pick<MessageParts, 'streamState' | 'streamChunk' | 'streamStatus'>): NonNullable<Message['stream']> => ({
  streaming: m.streamState === STREAM_OPEN,
  chunkNo: m.streamChunk,
  status: m.streamState === STREAM_OPEN ? null : m.streamStatus,
});

/** What the domain knows about a stored message beyond the message itself. */
export interface MessageExtras {
  reactions: Array<{ emoji: string; uids: string[] }>;
  readCount: number;
  /** Receipt messages: members (but the sender) who have not reported reading it. */
  unreadCount: number;
  /** Its reply quotes a message revoked since: the reply is shown without the quote's preview. */
  quoteRevoked?: boolean;
}

const NO_EXTRAS: MessageExtras = { reactions: [], readCount: 0, unreadCount: 0 };

/**
 * The wire message in its current state: a revoked message keeps its place and metadata but not
 * its content (the payload is reduced to its type); an edited one carries the new payload in
 * `extra.editedPayload`.
 */
export function toWireMessage(m: MessageParts, viewerUid: string, extras: MessageExtras = NO_EXTRAS): Message {
  const meta = JSON.parse(m.metaJson) as MessageMeta;
  const revoked = m.revokedAt > 0;
  const message = {
    messageId: m.messageId,
    messageSeq: m.messageSeq,
    clientMsgNo: m.clientMsgNo,
    fromUid: m.fromUid,
    channelId: viewedChannelId(m.channelType, m.channelId, viewerUid),
    channelType: m.channelType,
    timestamp: m.timestamp,
    contentType: m.contentType,
    payload: revoked ? { type: m.contentType } : parseStoredPayload(m.payloadJson, m.contentType),
    header: meta.header,
    setting: meta.setting,
  } as Message;
  // The optional parts one by one, not by spreading `meta` into the literal: a spread after other
  // fields takes V8's slow copy, which on every rendered message kept garbage alive past the young
  // generation and made its collections several times longer (see conversation-state's fromRow).
  if (meta.reply !== undefined) message.reply = extras.quoteRevoked ? withoutPreview(meta.reply) : meta.reply;
  if (meta.mentions !== undefined) message.mentions = meta.mentions;
  if (meta.entities !== undefined) message.entities = meta.entities;
  message.extra = {
    revoked,
    revoker: revoked ? m.revoker : null,
    revokedAt: revoked ? m.revokedAt : null,
    editedAt: m.editedAt > 0 && !revoked ? m.editedAt : null,
    editedPayload: m.editedAt > 0 && !revoked ? parseStoredPayload(m.editedPayloadJson, m.contentType) : null,
    readCount: extras.readCount,
    unreadCount: extras.unreadCount,
  };
  message.reactions = extras.reactions.map((r) => ({ emoji: r.emoji, uids: r.uids, count: r.uids.length }));
  if (m.streamState > 0) message.stream = streamOf(m);
  return message;
}

/** A message that was never revoked, edited or reacted to: what the send path stores. */
export const untouched = {
  revokedAt: 0,
  revoker: '',
  editedAt: 0,
  editCount: 0,
  editedPayloadJson: '',
  annotated: false,
  streamState: 0,
  streamChunk: 0,
  streamStatus: '',
  streamAt: 0,
} as const;

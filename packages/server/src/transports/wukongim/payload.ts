import type { Message, SendParams } from '@parley/protocol';
import type { HeaderFlags } from './codec/framing.js';
import { RECEIPT_BIT, TOPIC_BIT } from './codec/version.js';

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What a SEND says besides its content, decoded from the packet. */
export interface SendEnvelope {
  header: HeaderFlags;
  setting: number;
  clientMsgNo: string;
  channelId: string;
  channelType: number;
  topic?: string;
}

/**
 * A WuKongIM content (`{type, content, mention, reply, ...}`) as Parley send params. Mentions and the
 * reply travel beside the payload on Parley and inside it on WuKongIM: they are moved out here, and
 * back in by `toWkContent`, so clients of either gateway see them in their own place. Anything else
 * in the content is kept as it is. Returns undefined when the content is not a JSON object.
 */
export function toSendParams(content: unknown, env: SendEnvelope): SendParams | Json | undefined {
  if (!isRecord(content)) return undefined;
  const { mention, reply, ...payload } = content;
  const params: Json = {
    channelId: env.channelId,
    channelType: env.channelType,
    clientMsgNo: env.clientMsgNo,
    payload,
    header: { redDot: env.header.redDot, noPersist: env.header.noPersist, syncOnce: env.header.syncOnce },
  };
  const setting: Json = {};
  if (env.setting & RECEIPT_BIT) setting.receipt = true;
  if (env.setting & TOPIC_BIT) setting.topic = env.topic ? env.topic : true;
  if (Object.keys(setting).length) params.setting = setting;
  if (isRecord(mention)) {
    const uids = Array.isArray(mention.uids) ? mention.uids : [];
    params.mentions = mention.all === 1 || mention.all === true ? { uids, all: true } : { uids };
  }
  if (isRecord(reply)) {
    const ref: Json = {
      messageId: String(reply.message_id ?? ''),
      messageSeq: reply.message_seq,
      fromUid: reply.from_uid,
    };
    params.reply = ref;
  }
  return params;
}

/** A Parley message's content as a WuKongIM client reads it: the payload with `mention` and `reply` inside. */
export function toWkContent(m: Pick<Message, 'payload' | 'mentions' | 'reply'>): Json {
  const content: Json = { ...m.payload };
  if (m.mentions) content.mention = { uids: m.mentions.uids, ...(m.mentions.all ? { all: 1 } : {}) };
  if (m.reply) content.reply = { message_id: m.reply.messageId, message_seq: m.reply.messageSeq, from_uid: m.reply.fromUid };
  return content;
}

/** The setting byte of a message as stored: receipt and topic (never the stream bit, see recv.ts). */
export function settingByteOf(m: Pick<Message, 'setting'>): number {
  return (m.setting.receipt ? RECEIPT_BIT : 0) | (m.setting.topic ? TOPIC_BIT : 0);
}

/** The topic string a RECV carries when its topic bit is set. */
export const topicOf = (m: Pick<Message, 'setting'>): string => (typeof m.setting.topic === 'string' ? m.setting.topic : '');

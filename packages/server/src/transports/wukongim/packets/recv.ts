import { Reader } from '../codec/reader.js';
import { hasExpire, TOPIC_BIT } from '../codec/version.js';
import { Writer } from '../codec/writer.js';

/**
 * RECV (5), server to client. We never set a stream bit: the stream block's layout differs between
 * SDK 1.0.4 and the current servers, so a client could not read the rest of the packet.
 */
export interface RecvPacket {
  setting: number;
  msgKey: string;
  fromUid: string;
  /** for a person channel, the peer as the recipient sees it (the sender) */
  channelId: string;
  channelType: number;
  /** version >= 3 */
  expire?: number;
  clientMsgNo: string;
  messageId: string;
  messageSeq: number;
  /** seconds */
  timestamp: number;
  topic?: string;
  /** ASCII base64 of the ciphertext */
  payload: Buffer;
}

export function encodeRecv(p: RecvPacket, version: number): Buffer {
  const w = new Writer().u8(p.setting).string(p.msgKey).string(p.fromUid).string(p.channelId).u8(p.channelType);
  if (hasExpire(version)) w.u32(p.expire ?? 0);
  w.string(p.clientMsgNo).u64(p.messageId).u32(p.messageSeq).u32(p.timestamp);
  if (p.setting & TOPIC_BIT) w.string(p.topic ?? '');
  return w.bytes(p.payload).build();
}

export function decodeRecv(body: Buffer, version: number): RecvPacket {
  const r = new Reader(body);
  const setting = r.u8();
  const p: RecvPacket = {
    setting,
    msgKey: r.string(),
    fromUid: r.string(),
    channelId: r.string(),
    channelType: r.u8(),
    clientMsgNo: '',
    messageId: '0',
    messageSeq: 0,
    timestamp: 0,
    payload: Buffer.alloc(0),
  };
  if (hasExpire(version)) p.expire = r.u32();
  p.clientMsgNo = r.string();
  p.messageId = r.u64();
  p.messageSeq = r.u32();
  p.timestamp = r.u32();
  if (setting & TOPIC_BIT) p.topic = r.string();
  p.payload = r.rest();
  return p;
}

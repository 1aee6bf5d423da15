import { Reader } from '../codec/reader.js';
import { hasExpire, streamBit, TOPIC_BIT } from '../codec/version.js';
import { Writer } from '../codec/writer.js';

/** SEND (3), client to server. `payload` is the ASCII base64 of the ciphertext, as on the wire. */
export interface SendPacket {
  setting: number;
  clientSeq: number;
  clientMsgNo: string;
  /** present when the setting's stream bit (for the version) is set */
  streamNo?: string;
  channelId: string;
  channelType: number;
  /** version >= 3 */
  expire?: number;
  msgKey: string;
  /** present when the setting's topic bit is set */
  topic?: string;
  payload: Buffer;
}

export function decodeSend(body: Buffer, version: number): SendPacket {
  const r = new Reader(body);
  const setting = r.u8();
  const clientSeq = r.u32();
  const clientMsgNo = r.string();
  const bit = streamBit(version);
  const streamNo = bit && setting & bit ? r.string() : undefined;
  const p: SendPacket = {
    setting,
    clientSeq,
    clientMsgNo,
    channelId: r.string(),
    channelType: r.u8(),
    msgKey: '',
    payload: Buffer.alloc(0),
  };
  if (streamNo !== undefined) p.streamNo = streamNo;
  if (hasExpire(version)) p.expire = r.u32();
  p.msgKey = r.string();
  if (setting & TOPIC_BIT) p.topic = r.string();
  p.payload = r.rest();
  return p;
}

export function encodeSend(p: SendPacket, version: number): Buffer {
  const w = new Writer().u8(p.setting).u32(p.clientSeq).string(p.clientMsgNo);
  const bit = streamBit(version);
  if (bit && p.setting & bit) w.string(p.streamNo ?? '');
  w.string(p.channelId).u8(p.channelType);
  if (hasExpire(version)) w.u32(p.expire ?? 0);
  w.string(p.msgKey);
  if (p.setting & TOPIC_BIT) w.string(p.topic ?? '');
  return w.bytes(p.payload).build();
}

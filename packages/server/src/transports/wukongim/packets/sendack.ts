import { Reader } from '../codec/reader.js';
import { Writer } from '../codec/writer.js';

/** SENDACK (4), server to client. The SDK matches it to its send by clientSeq alone. */
export interface SendackPacket {
  messageId: string;
  clientSeq: number;
  /** u32 in every version we speak (u64 only from version 6) */
  messageSeq: number;
  reasonCode: number;
}

export function encodeSendack(p: SendackPacket): Buffer {
  return new Writer().u64(p.messageId).u32(p.clientSeq).u32(p.messageSeq).u8(p.reasonCode).build();
}

export function decodeSendack(body: Buffer): SendackPacket {
  const r = new Reader(body);
  const p = { messageId: r.u64(), clientSeq: r.u32(), messageSeq: r.u32(), reasonCode: r.u8() };
  r.end();
  return p;
}

import { Reader } from '../codec/reader.js';
import { Writer } from '../codec/writer.js';

/** RECVACK (6), client to server; its header flags echo the RECV's. */
export interface RecvackPacket {
  messageId: string;
  messageSeq: number;
}

export function decodeRecvack(body: Buffer): RecvackPacket {
  const r = new Reader(body);
  const p = { messageId: r.u64(), messageSeq: r.u32() };
  r.end();
  return p;
}

export function encodeRecvack(p: RecvackPacket): Buffer {
  return new Writer().u64(p.messageId).u32(p.messageSeq).build();
}

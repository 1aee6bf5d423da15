import { Reader } from '../codec/reader.js';
import { Writer } from '../codec/writer.js';

/** DISCONNECT (9), server to client: why we are closing. The SDK does not reconnect after it. */
export interface DisconnectPacket {
  reasonCode: number;
  reason: string;
}

export function encodeDisconnect(p: DisconnectPacket): Buffer {
  return new Writer().u8(p.reasonCode).string(p.reason).build();
}

export function decodeDisconnect(body: Buffer): DisconnectPacket {
  const r = new Reader(body);
  const p = { reasonCode: r.u8(), reason: r.string() };
  r.end();
  return p;
}

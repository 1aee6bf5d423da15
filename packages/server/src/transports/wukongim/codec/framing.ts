import { WkCodecError } from './errors.js';
import { decodeVarint, encodeVarint } from './varint.js';

/** WuKongIM's packet types (the fixed header's high nibble). */
export const PacketType = {
  Connect: 1,
  Connack: 2,
  Send: 3,
  Sendack: 4,
  Recv: 5,
  Recvack: 6,
  Ping: 7,
  Pong: 8,
  Disconnect: 9,
  Sub: 10,
  Suback: 11,
} as const;
export type PacketType = (typeof PacketType)[keyof typeof PacketType];

/** One packet as framed: its type, the header's low nibble, and its body. */
export interface Frame {
  type: number;
  flags: number;
  body: Buffer;
}

/** The low nibble of SEND, RECV and RECVACK: DUP, SyncOnce, RedDot, NoPersist (bits 3..0). */
export interface HeaderFlags {
  dup: boolean;
  syncOnce: boolean;
  redDot: boolean;
  noPersist: boolean;
}

export const flagsOf = (h: HeaderFlags): number => (h.dup ? 8 : 0) | (h.syncOnce ? 4 : 0) | (h.redDot ? 2 : 0) | (h.noPersist ? 1 : 0);

export const headerOf = (flags: number): HeaderFlags => ({
  dup: (flags & 8) !== 0,
  syncOnce: (flags & 4) !== 0,
  redDot: (flags & 2) !== 0,
  noPersist: (flags & 1) !== 0,
});

/** PING and PONG are the header byte alone, without even a zero length. */
const isBare = (type: number): boolean => type === PacketType.Ping || type === PacketType.Pong;

export function encodeFrame(type: number, flags: number, body: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.from([((type & 0x0f) << 4) | (flags & 0x0f)]);
  if (isBare(type)) return header;
  return Buffer.concat([header, encodeVarint(body.length), body]);
}

/**
 * Exactly one packet: the SDK sends each in its own WebSocket message, and we hold it to that, so a
 * message that is short of its length or longer than it is malformed rather than buffered.
 */
export function decodeFrame(message: Buffer): Frame {
  const first = message[0];
  if (first === undefined) throw new WkCodecError('empty message');
  const type = first >> 4;
  const flags = first & 0x0f;
  if (isBare(type)) {
    if (message.length !== 1) throw new WkCodecError('PING/PONG carry no body');
    return { type, flags, body: Buffer.alloc(0) };
  }
  // A zero length is written as no bytes at all.
  if (message.length === 1) return { type, flags, body: Buffer.alloc(0) };
  const { value, size } = decodeVarint(message, 1);
  if (message.length !== 1 + size + value) throw new WkCodecError(`length ${value} does not match the message`);
  return { type, flags, body: message.subarray(1 + size) };
}

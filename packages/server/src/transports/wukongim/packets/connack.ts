import { Reader } from '../codec/reader.js';
import { hasNodeId, hasServerVersion } from '../codec/version.js';
import { Writer } from '../codec/writer.js';

/** CONNACK (2), server to client. */
export interface ConnackPacket {
  /** ms: server now - the CONNECT's clientTimestamp */
  timeDiff: number;
  /** 1 = success; the SDK stops reconnecting on anything else */
  reasonCode: number;
  /** base64 of our X25519 public key (always 32 bytes: the SDK throws on anything else) */
  serverKey: string;
  /** the AES IV, 16 characters */
  salt: string;
  /** the session's version, written only where the version has it (> 3) */
  serverVersion?: number;
  /** written only where the version has it (>= 4) */
  nodeId?: string;
}

/** The header flags of a CONNACK: bit 0 = a server version byte follows (never for version <= 3). */
export const connackFlags = (version: number): number => (hasServerVersion(version) ? 1 : 0);

export function encodeConnack(p: ConnackPacket, version: number): Buffer {
  const w = new Writer();
  if (hasServerVersion(version)) w.u8(p.serverVersion ?? version);
  w.i64(p.timeDiff).u8(p.reasonCode).string(p.serverKey).string(p.salt);
  if (hasNodeId(version)) w.u64(p.nodeId ?? '0');
  return w.build();
}

export function decodeConnack(body: Buffer, version: number): ConnackPacket {
  const r = new Reader(body);
  const serverVersion = hasServerVersion(version) ? r.u8() : undefined;
  const p: ConnackPacket = { timeDiff: r.i64(), reasonCode: r.u8(), serverKey: r.string(), salt: r.string() };
  if (serverVersion !== undefined) p.serverVersion = serverVersion;
  if (hasNodeId(version)) p.nodeId = r.u64();
  r.end();
  return p;
}

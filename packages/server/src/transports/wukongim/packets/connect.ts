import { Reader } from '../codec/reader.js';
import { Writer } from '../codec/writer.js';

/** CONNECT (1), client to server. It has no version-dependent fields. */
export interface ConnectPacket {
  version: number;
  deviceFlag: number;
  deviceId: string;
  uid: string;
  token: string;
  /** ms */
  clientTimestamp: number;
  /** base64 of the client's X25519 public key */
  clientKey: string;
}

export function decodeConnect(body: Buffer): ConnectPacket {
  const r = new Reader(body);
  const p: ConnectPacket = {
    version: r.u8(),
    deviceFlag: r.u8(),
    deviceId: r.string(),
    uid: r.string(),
    token: r.string(),
    clientTimestamp: r.i64(),
    clientKey: r.string(),
  };
  r.end();
  return p;
}

export function encodeConnect(p: ConnectPacket): Buffer {
  return new Writer()
    .u8(p.version)
    .u8(p.deviceFlag)
    .string(p.deviceId)
    .string(p.uid)
    .string(p.token)
    .i64(p.clientTimestamp)
    .string(p.clientKey)
    .build();
}

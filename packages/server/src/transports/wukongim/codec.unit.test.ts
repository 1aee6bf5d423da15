import { describe, expect, it } from 'vitest';
import { WkCodecError } from './codec/errors.js';
import { decodeFrame, encodeFrame, flagsOf, headerOf, PacketType } from './codec/framing.js';
import { decodeVarint, encodeVarint, MAX_REMAINING_LENGTH } from './codec/varint.js';
import { connackFlags, decodeConnack, encodeConnack } from './packets/connack.js';
import { decodeConnect, encodeConnect } from './packets/connect.js';
import { decodeDisconnect, encodeDisconnect } from './packets/disconnect.js';
import { decodeRecv, encodeRecv } from './packets/recv.js';
import { decodeRecvack, encodeRecvack } from './packets/recvack.js';
import { decodeSend, encodeSend } from './packets/send.js';
import { decodeSendack, encodeSendack } from './packets/sendack.js';

/* Every packet against the field tables of the reference (wukongim-protocol.md §1.3), byte by byte. */

const hex = (...parts: string[]): string => parts.join('').replace(/\s+/g, '');
/** A WuKongIM string: u16 byte count, then the UTF-8 bytes. */
const str = (s: string): string => {
  const b = Buffer.from(s, 'utf8');
  return b.length.toString(16).padStart(4, '0') + b.toString('hex');
};
const u8 = (n: number) => n.toString(16).padStart(2, '0');
const u32 = (n: number) => n.toString(16).padStart(8, '0');
const u64 = (n: bigint | number) => BigInt(n).toString(16).padStart(16, '0');
const ascii = (s: string) => Buffer.from(s, 'ascii').toString('hex');

describe('remaining length (MQTT varint)', () => {
  it('writes 7-bit groups least significant first, 0 as no bytes', () => {
    expect(encodeVarint(0).toString('hex')).toBe('');
    expect(encodeVarint(127).toString('hex')).toBe('7f');
    expect(encodeVarint(128).toString('hex')).toBe('8001');
    expect(encodeVarint(16_383).toString('hex')).toBe('ff7f');
    expect(encodeVarint(16_384).toString('hex')).toBe('808001');
    expect(encodeVarint(MAX_REMAINING_LENGTH).toString('hex')).toBe('808040');
    for (const n of [0, 1, 127, 128, 300, 16_384, 1_000_000]) {
      const bytes = Buffer.concat([Buffer.from([0x30]), encodeVarint(n), Buffer.from([0xff])]);
      if (n > 0) expect(decodeVarint(bytes, 1)).toEqual({ value: n, size: encodeVarint(n).length });
    }
  });

  it('refuses a length above 1 MiB, longer than four bytes, or cut short', () => {
    expect(() => decodeVarint(Buffer.from('818040', 'hex'), 0)).toThrow(WkCodecError);
    expect(() => decodeVarint(Buffer.from('ffffffff01', 'hex'), 0)).toThrow(WkCodecError);
    expect(() => decodeVarint(Buffer.from('80', 'hex'), 0)).toThrow(WkCodecError);
    expect(() => encodeVarint(MAX_REMAINING_LENGTH + 1)).toThrow(WkCodecError);
  });
});

describe('framing', () => {
  it('PING and PONG are one byte; other packets carry type<<4|flags and the exact length', () => {
    expect(encodeFrame(PacketType.Pong, 0).toString('hex')).toBe('80');
    expect(decodeFrame(Buffer.from('70', 'hex'))).toMatchObject({ type: PacketType.Ping, flags: 0 });
    expect(encodeFrame(PacketType.Send, 0b0010, Buffer.from('abc')).toString('hex')).toBe('3203616263');
    expect(decodeFrame(Buffer.from('3203616263', 'hex'))).toEqual({ type: 3, flags: 2, body: Buffer.from('abc') });
    // A zero length is no bytes at all.
    expect(decodeFrame(Buffer.from('60', 'hex')).body.length).toBe(0);
  });

  it('refuses a message that is not exactly one packet', () => {
    for (const bad of ['', '7000', '8000', '320461626', '3203616263' + '70', '3203616263ff']) {
      expect(() => decodeFrame(Buffer.from(bad, 'hex')), bad).toThrow(WkCodecError);
    }
  });

  it('reads the header nibble as DUP, SyncOnce, RedDot, NoPersist (bits 3..0)', () => {
    expect(headerOf(0b1010)).toEqual({ dup: true, syncOnce: false, redDot: true, noPersist: false });
    expect(flagsOf({ dup: false, syncOnce: true, redDot: false, noPersist: true })).toBe(0b0101);
  });
});

describe('packets', () => {
  it('CONNECT: version, deviceFlag, deviceID, uid, token, clientTimestamp (int64), clientKey', () => {
    const bytes = hex(u8(2), u8(1), str('dev1W'), str('alice'), str('tkn'), u64(1_700_000_000_123), str('S2V5'));
    const p = {
      version: 2,
      deviceFlag: 1,
      deviceId: 'dev1W',
      uid: 'alice',
      token: 'tkn',
      clientTimestamp: 1_700_000_000_123,
      clientKey: 'S2V5',
    };
    expect(encodeConnect(p).toString('hex')).toBe(bytes);
    expect(decodeConnect(Buffer.from(bytes, 'hex'))).toEqual(p);
    expect(() => decodeConnect(Buffer.from(`${bytes}00`, 'hex'))).toThrow(WkCodecError);
    expect(() => decodeConnect(Buffer.from(bytes.slice(0, -2), 'hex'))).toThrow(WkCodecError);
  });

  it('CONNACK v2: timeDiff (int64), reasonCode, serverKey, salt; no version byte, flags 0', () => {
    const p = { timeDiff: -5, reasonCode: 1, serverKey: 'c2VydmVy', salt: 'abcdefghijklmnop' };
    expect(encodeConnack(p, 2).toString('hex')).toBe(hex('fffffffffffffffb', u8(1), str('c2VydmVy'), str('abcdefghijklmnop')));
    expect(connackFlags(2)).toBe(0);
    expect(connackFlags(3)).toBe(0);
    expect(decodeConnack(encodeConnack(p, 2), 2)).toEqual(p);
  });

  it('CONNACK v4+: a server version byte first (header flag bit 0), a u64 nodeId last', () => {
    const p = { timeDiff: 7, reasonCode: 1, serverKey: 'k', salt: 's', serverVersion: 4, nodeId: '9' };
    expect(connackFlags(4)).toBe(1);
    expect(encodeConnack(p, 4).toString('hex')).toBe(hex(u8(4), u64(7), u8(1), str('k'), str('s'), u64(9)));
    expect(decodeConnack(encodeConnack(p, 4), 4)).toEqual(p);
  });

  it('SEND v2: setting, clientSeq u32, clientMsgNo, channelID, channelType, msgKey, payload (the rest)', () => {
    const p = {
      setting: 0,
      clientSeq: 7,
      clientMsgNo: 'cmn3',
      channelId: 'bob',
      channelType: 1,
      msgKey: 'mk',
      payload: Buffer.from('QUJD'),
    };
    const bytes = hex(u8(0), u32(7), str('cmn3'), str('bob'), u8(1), str('mk'), ascii('QUJD'));
    expect(encodeSend(p, 2).toString('hex')).toBe(bytes);
    expect(decodeSend(Buffer.from(bytes, 'hex'), 2)).toEqual(p);
  });

  it('SEND: streamNo after clientMsgNo when the stream bit is set (1<<2 in v2), topic after msgKey (1<<3), expire from v3', () => {
    const v2 = hex(u8(0b1100), u32(1), str('c'), str('s1'), str('g'), u8(2), str('mk'), str('news'), ascii('X'));
    expect(decodeSend(Buffer.from(v2, 'hex'), 2)).toEqual({
      setting: 0b1100,
      clientSeq: 1,
      clientMsgNo: 'c',
      streamNo: 's1',
      channelId: 'g',
      channelType: 2,
      msgKey: 'mk',
      topic: 'news',
      payload: Buffer.from('X'),
    });
    const v3 = {
      setting: 0,
      clientSeq: 1,
      clientMsgNo: 'c',
      channelId: 'g',
      channelType: 2,
      expire: 60,
      msgKey: 'mk',
      payload: Buffer.from('X'),
    };
    expect(encodeSend(v3, 3).toString('hex')).toBe(hex(u8(0), u32(1), str('c'), str('g'), u8(2), u32(60), str('mk'), ascii('X')));
    expect(decodeSend(encodeSend(v3, 3), 3)).toEqual(v3);
  });

  it('SENDACK: messageID int64, clientSeq u32, messageSeq u32, reasonCode', () => {
    const p = { messageId: '386561767838318592', clientSeq: 3, messageSeq: 12, reasonCode: 1 };
    expect(encodeSendack(p).toString('hex')).toBe(hex(u64(386561767838318592n), u32(3), u32(12), u8(1)));
    expect(decodeSendack(encodeSendack(p))).toEqual(p);
  });

  it('RECV v2: setting, msgKey, fromUID, channelID, channelType, clientMsgNo, messageID, messageSeq, timestamp, payload', () => {
    const p = {
      setting: 0,
      msgKey: 'mk',
      fromUid: 'bob',
      channelId: 'bob',
      channelType: 1,
      clientMsgNo: 'c1',
      messageId: '18446744073709551615',
      messageSeq: 2,
      timestamp: 1_700_000_000,
      payload: Buffer.from('QUJD'),
    };
    const bytes = hex(
      u8(0),
      str('mk'),
      str('bob'),
      str('bob'),
      u8(1),
      str('c1'),
      'ffffffffffffffff',
      u32(2),
      u32(1_700_000_000),
      ascii('QUJD'),
    );
    expect(encodeRecv(p, 2).toString('hex')).toBe(bytes);
    expect(decodeRecv(Buffer.from(bytes, 'hex'), 2)).toEqual(p);
  });

  it('RECV: expire after channelType from v3, topic before the payload when its bit is set', () => {
    const p = {
      setting: 0b1000,
      msgKey: 'mk',
      fromUid: 'a',
      channelId: 'g',
      channelType: 2,
      expire: 0,
      clientMsgNo: 'c',
      messageId: '1',
      messageSeq: 1,
      timestamp: 1,
      topic: 't',
      payload: Buffer.from('P'),
    };
    const bytes = hex(u8(8), str('mk'), str('a'), str('g'), u8(2), u32(0), str('c'), u64(1), u32(1), u32(1), str('t'), ascii('P'));
    expect(encodeRecv(p, 3).toString('hex')).toBe(bytes);
    expect(decodeRecv(Buffer.from(bytes, 'hex'), 3)).toEqual(p);
  });

  it('RECVACK: messageID int64, messageSeq u32', () => {
    expect(encodeRecvack({ messageId: '5', messageSeq: 6 }).toString('hex')).toBe(hex(u64(5), u32(6)));
    expect(decodeRecvack(Buffer.from(hex(u64(5), u32(6)), 'hex'))).toEqual({ messageId: '5', messageSeq: 6 });
    expect(() => decodeRecvack(Buffer.from(u64(5), 'hex'))).toThrow(WkCodecError);
  });

  it('DISCONNECT: reasonCode, reason', () => {
    expect(encodeDisconnect({ reasonCode: 12, reason: 'kicked' }).toString('hex')).toBe(hex(u8(12), str('kicked')));
    expect(decodeDisconnect(encodeDisconnect({ reasonCode: 12, reason: '踢' }))).toEqual({ reasonCode: 12, reason: '踢' });
  });

  it('strings must be UTF-8 and fit their length', () => {
    expect(() => decodeDisconnect(Buffer.from(hex(u8(1), '0002', 'c328'), 'hex'))).toThrow(WkCodecError);
    expect(() => decodeDisconnect(Buffer.from(hex(u8(1), '0009', '61'), 'hex'))).toThrow(WkCodecError);
  });
});

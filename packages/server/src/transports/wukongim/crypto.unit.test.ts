import CryptoJS from 'crypto-js';
import { generateKeyPair, sharedKey } from 'curve25519-js';
import { describe, expect, it } from 'vitest';
import { WkCodecError } from './codec/errors.js';
import { aesKeyOf, recvSignString, SessionCipher, sendSignString } from './crypto.js';

/*
 * The handshake and cipher checked against the libraries SDK 1.0.4 itself uses (curve25519-js for the
 * key agreement, crypto-js for AES and md5), as the reference §1.5 describes the SDK's side.
 */
const sdkEncrypt = (text: string, key: string, iv: string): string =>
  CryptoJS.AES.encrypt(CryptoJS.enc.Utf8.parse(text), CryptoJS.enc.Utf8.parse(key), {
    iv: CryptoJS.enc.Utf8.parse(iv),
    mode: CryptoJS.mode.CBC,
    padding: CryptoJS.pad.Pkcs7,
  }).toString();

function sdkSide() {
  const seed = Uint8Array.from(Buffer.from('0123456789abcdef0123456789abcdef', 'ascii'));
  const pair = generateKeyPair(seed);
  return { clientKey: Buffer.from(pair.public).toString('base64'), priv: pair.private };
}

describe('session cipher', () => {
  it('agrees on the AES key with the SDK: md5hex(base64(X25519 secret))[0:16], IV = the 16-char salt', () => {
    const sdk = sdkSide();
    const server = SessionCipher.forClient(sdk.clientKey);
    expect(Buffer.from(server.serverKey, 'base64')).toHaveLength(32);
    expect(server.salt).toMatch(/^[A-Za-z0-9]{16}$/);
    const secret = Buffer.from(sharedKey(sdk.priv, Uint8Array.from(Buffer.from(server.serverKey, 'base64'))));
    const aesKey = CryptoJS.MD5(secret.toString('base64')).toString().substring(0, 16);
    expect(aesKeyOf(secret)).toBe(aesKey);

    // What the SDK encrypts, we decrypt; what we encrypt is what the SDK would have produced.
    const text = '{"content":"hello bob 你好","type":1}';
    const fromSdk = sdkEncrypt(text, aesKey, server.salt);
    expect(server.decrypt(fromSdk).toString('utf8')).toBe(text);
    expect(server.encrypt(text)).toBe(fromSdk);
  });

  it("computes msgKey as md5 hex of the encrypted sign string, over SEND's and RECV's fields in the SDK's order", () => {
    const c = SessionCipher.fromParts('0123456789abcdef', 'saltsaltsaltsalt');
    const send = sendSignString({ clientSeq: 3, clientMsgNo: 'cmn', channelId: 'bob', channelType: 1, payload: 'PAY' });
    expect(send).toBe('3cmnbob1PAY');
    expect(c.msgKey(send)).toBe(CryptoJS.MD5(sdkEncrypt(send, '0123456789abcdef', 'saltsaltsaltsalt')).toString());
    expect(
      recvSignString({
        messageId: '9',
        messageSeq: 2,
        clientMsgNo: 'c',
        timestamp: 1700000000,
        fromUid: 'a',
        channelId: 'b',
        channelType: 1,
        payload: 'P',
      }),
    ).toBe('92c1700000000ab1P');
  });

  it('refuses a clientKey that is not 32 bytes of base64, and ciphertext that does not decrypt', () => {
    expect(() => SessionCipher.forClient('')).toThrow(WkCodecError);
    expect(() => SessionCipher.forClient(Buffer.alloc(31).toString('base64'))).toThrow(WkCodecError);
    const c = SessionCipher.fromParts('0123456789abcdef', 'saltsaltsaltsalt');
    expect(() => c.decrypt('not base64 at all!')).toThrow(WkCodecError);
    expect(() => c.decrypt(Buffer.alloc(16, 1).toString('base64'))).toThrow(WkCodecError);
  });
});

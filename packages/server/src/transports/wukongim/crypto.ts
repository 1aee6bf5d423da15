import { createCipheriv, createDecipheriv, createHash, createPublicKey, diffieHellman, generateKeyPairSync, randomInt } from 'node:crypto';
import { WkCodecError } from './codec/errors.js';

/** The DER prefix of an X25519 SubjectPublicKeyInfo; the raw 32-byte key follows it. */
const X25519_SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');
const SALT_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

const md5hex = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

/**
 * A session's payload cipher as WuKongIM's handshake sets it up: X25519 between the client's key
 * and a fresh one of ours; the AES-128 key is the first 16 hex characters of md5(base64(secret)),
 * the IV a 16-character random salt, both used as their ASCII bytes. Payloads travel as base64
 * text of the AES-CBC (PKCS#7) ciphertext; a message's msgKey is md5 hex of the encrypted sign string.
 */
export class SessionCipher {
  private constructor(
    readonly serverKey: string,
    readonly salt: string,
    private readonly key: Buffer,
    private readonly iv: Buffer,
  ) {}

  /** Refuses a clientKey that is not base64 of a 32-byte public key. */
  static forClient(clientKey: string): SessionCipher {
    const raw = Buffer.from(clientKey, 'base64');
    if (raw.length !== 32 || raw.toString('base64') !== clientKey) throw new WkCodecError('clientKey is not a 32-byte X25519 key');
    const { publicKey, privateKey } = generateKeyPairSync('x25519');
    const peer = createPublicKey({ key: Buffer.concat([X25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
    const secret = diffieHellman({ privateKey, publicKey: peer });
    const ours = publicKey.export({ format: 'der', type: 'spki' }).subarray(X25519_SPKI_PREFIX.length);
    let salt = '';
    for (let i = 0; i < 16; i++) salt += SALT_CHARS[randomInt(SALT_CHARS.length)];
    const key = Buffer.from(md5hex(secret.toString('base64')).slice(0, 16), 'ascii');
    return new SessionCipher(ours.toString('base64'), salt, key, Buffer.from(salt, 'ascii'));
  }

  /** A cipher from known parts (tests play the client with it). */
  static fromParts(aesKey: string, salt: string): SessionCipher {
    return new SessionCipher('', salt, Buffer.from(aesKey, 'ascii'), Buffer.from(salt.slice(0, 16), 'ascii'));
  }

  /** Plain bytes to base64 ciphertext text. */
  encrypt(plain: Buffer | string): string {
    const cipher = createCipheriv('aes-128-cbc', this.key, this.iv);
    return Buffer.concat([cipher.update(typeof plain === 'string' ? Buffer.from(plain, 'utf8') : plain), cipher.final()]).toString(
      'base64',
    );
  }

  /** Base64 ciphertext text to plain bytes; anything that does not decrypt is a WkCodecError. */
  decrypt(base64: string): Buffer {
    const bytes = Buffer.from(base64, 'base64');
    if (bytes.length === 0 || bytes.length % 16 !== 0) throw new WkCodecError('payload is not AES ciphertext');
    try {
      const decipher = createDecipheriv('aes-128-cbc', this.key, this.iv);
      return Buffer.concat([decipher.update(bytes), decipher.final()]);
    } catch {
      throw new WkCodecError('payload does not decrypt');
    }
  }

  msgKey(signString: string): string {
    return md5hex(this.encrypt(signString));
  }
}

/** The derivation of the AES key from a shared secret (exported for the client side of tests). */
export const aesKeyOf = (secret: Buffer): string => md5hex(secret.toString('base64')).slice(0, 16);

export const sendSignString = (p: {
  clientSeq: number;
  clientMsgNo: string;
  channelId: string;
  channelType: number;
  payload: string;
}): string => `${p.clientSeq}${p.clientMsgNo}${p.channelId}${p.channelType}${p.payload}`;

/** What a RECV says about its message besides the content (and signs, with the content). */
export interface RecvFields {
  messageId: string;
  messageSeq: number;
  clientMsgNo: string;
  timestamp: number;
  fromUid: string;
  channelId: string;
  channelType: number;
}

export const recvSignString = (p: RecvFields & { payload: string }): string =>
  `${p.messageId}${p.messageSeq}${p.clientMsgNo}${p.timestamp}${p.fromUid}${p.channelId}${p.channelType}${p.payload}`;

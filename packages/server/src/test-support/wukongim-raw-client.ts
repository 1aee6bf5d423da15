import { createPublicKey, diffieHellman, generateKeyPairSync } from 'node:crypto';
import WebSocket from 'ws';
import { decodeFrame, encodeFrame, type Frame, PacketType } from '../transports/wukongim/codec/framing.js';
import { isSupportedVersion } from '../transports/wukongim/codec/version.js';
import { aesKeyOf, SessionCipher, sendSignString } from '../transports/wukongim/crypto.js';
import { decodeConnack } from '../transports/wukongim/packets/connack.js';
import { encodeConnect } from '../transports/wukongim/packets/connect.js';
import { encodeSend } from '../transports/wukongim/packets/send.js';

const X25519_SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

/**
 * A WuKongIM client written from the protocol description, for the tests that need what the SDK
 * never sends (other versions, bad msgKeys, garbage): every packet it receives is kept, decoded
 * only as far as framing.
 */
export class RawWkClient {
  readonly frames: Frame[] = [];
  /** Every WebSocket message as received, to check one packet per message. */
  readonly messages: Buffer[] = [];
  closeCode: number | undefined;
  readonly closed: Promise<void>;
  cipher: SessionCipher | undefined;
  private clientSeq = 0;

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) =>
      ws.on('close', (code) => {
        this.closeCode = code;
        resolve();
      }),
    );
    ws.on('message', (data) => {
      const buf = Buffer.from(data as Buffer);
      this.messages.push(buf);
      try {
        this.frames.push(decodeFrame(buf));
      } catch {
        this.frames.push({ type: -1, flags: 0, body: buf });
      }
    });
    ws.on('error', () => {});
  }

  /** Connects to `serverUrl`'s /v1/wukongim, or to `wsUrl` exactly when given. */
  static async open(serverUrl: string, wsUrl = `${serverUrl.replace(/^http/, 'ws')}/v1/wukongim`): Promise<RawWkClient> {
    const ws = new WebSocket(wsUrl);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return new RawWkClient(ws);
  }

  sendRaw(bytes: Buffer): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(bytes);
  }

  of(type: number): Frame[] {
    return this.frames.filter((f) => f.type === type);
  }

  /** Sends CONNECT and, once its CONNACK is in, sets the session cipher as the SDK derives it. */
  async connect(uid: string, token: string, version = 2): Promise<{ reasonCode: number }> {
    const { publicKey, privateKey } = generateKeyPairSync('x25519');
    const clientKey = publicKey.export({ format: 'der', type: 'spki' }).subarray(X25519_SPKI_PREFIX.length).toString('base64');
    const body = encodeConnect({ version, deviceFlag: 1, deviceId: 'raw-1W', uid, token, clientTimestamp: Date.now(), clientKey });
    this.sendRaw(encodeFrame(PacketType.Connect, 0, body));
    const connack = await this.next(PacketType.Connack);
    // A refusal of a version we do not speak is written in version 2's layout.
    const ack = decodeConnack(connack.body, isSupportedVersion(version) ? version : 2);
    if (ack.reasonCode === 1) {
      const server = createPublicKey({
        key: Buffer.concat([X25519_SPKI_PREFIX, Buffer.from(ack.serverKey, 'base64')]),
        format: 'der',
        type: 'spki',
      });
      this.cipher = SessionCipher.fromParts(aesKeyOf(diffieHellman({ privateKey, publicKey: server })), ack.salt);
    }
    return ack;
  }

  /** A SEND as the SDK builds it (redDot set), with a correct msgKey unless `msgKey` is given. */
  send(content: unknown, channelId: string, channelType: number, clientMsgNo: string, msgKey?: string): number {
    const cipher = this.cipher as SessionCipher;
    return this.sendCiphertext(cipher.encrypt(JSON.stringify(content)), channelId, channelType, clientMsgNo, msgKey);
  }

  /** A SEND whose payload is `payload` as it is (base64 ciphertext text, or not), its msgKey right unless given. */
  sendCiphertext(payload: string, channelId: string, channelType: number, clientMsgNo: string, msgKey?: string): number {
    const cipher = this.cipher as SessionCipher;
    const clientSeq = ++this.clientSeq;
    const key = msgKey ?? cipher.msgKey(sendSignString({ clientSeq, clientMsgNo, channelId, channelType, payload }));
    const body = encodeSend({ setting: 0, clientSeq, clientMsgNo, channelId, channelType, msgKey: key, payload: Buffer.from(payload) }, 2);
    this.sendRaw(encodeFrame(PacketType.Send, 0b0010, body));
    return clientSeq;
  }

  /** The first frame of `type` not yet taken by an earlier `next`. */
  async next(type: number): Promise<Frame> {
    for (;;) {
      const i = this.frames.findIndex((f) => f.type === type);
      if (i >= 0) return this.frames.splice(i, 1)[0] as Frame;
      if (this.closeCode !== undefined) throw new Error(`closed (${this.closeCode}) before a packet of type ${type}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  close(): void {
    this.ws.terminate();
  }
}

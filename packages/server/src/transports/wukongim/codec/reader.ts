import { WkCodecError } from './errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Reads a packet body field by field (big-endian; strings are a u16 byte count then UTF-8). */
export class Reader {
  private pos = 0;

  constructor(private readonly buf: Buffer) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private take(n: number): number {
    if (this.pos + n > this.buf.length) throw new WkCodecError('packet ends inside a field');
    const at = this.pos;
    this.pos += n;
    return at;
  }

  u8(): number {
    return this.buf.readUInt8(this.take(1));
  }

  u16(): number {
    return this.buf.readUInt16BE(this.take(2));
  }

  u32(): number {
    return this.buf.readUInt32BE(this.take(4));
  }

  /** A 64-bit unsigned integer as a decimal string (ids do not fit a JS number). */
  u64(): string {
    return this.buf.readBigUInt64BE(this.take(8)).toString();
  }

  /** A signed 64-bit integer (CONNACK's timeDiff may be negative). */
  i64(): number {
    return Number(this.buf.readBigInt64BE(this.take(8)));
  }

  string(): string {
    const length = this.u16();
    const at = this.take(length);
    try {
      return utf8.decode(this.buf.subarray(at, at + length));
    } catch {
      throw new WkCodecError('string is not UTF-8');
    }
  }

  /** Everything left (a payload). */
  rest(): Buffer {
    const at = this.take(this.remaining);
    return this.buf.subarray(at);
  }

  /** A packet with bytes after its last field is malformed. */
  end(): void {
    if (this.remaining !== 0) throw new WkCodecError('bytes after the last field');
  }
}

import { WkCodecError } from './errors.js';

const U64_MAX = (1n << 64n) - 1n;

/** Builds a packet body field by field, the inverse of `Reader`. */
export class Writer {
  private readonly parts: Buffer[] = [];

  u8(v: number): this {
    const b = Buffer.alloc(1);
    b.writeUInt8(v);
    this.parts.push(b);
    return this;
  }

  u16(v: number): this {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(v);
    this.parts.push(b);
    return this;
  }

  u32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v);
    this.parts.push(b);
    return this;
  }

  /** A decimal string or a number, as an unsigned 64-bit integer. */
  u64(v: string | number | bigint): this {
    const n = BigInt(v);
    if (n < 0n || n > U64_MAX) throw new WkCodecError(`${v} does not fit 64 bits`);
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(n);
    this.parts.push(b);
    return this;
  }

  i64(v: number): this {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(BigInt(Math.trunc(v)));
    this.parts.push(b);
    return this;
  }

  string(v: string): this {
    const bytes = Buffer.from(v, 'utf8');
    if (bytes.length > 0x7fff) throw new WkCodecError('string longer than 32767 bytes');
    this.u16(bytes.length);
    this.parts.push(bytes);
    return this;
  }

  bytes(v: Uint8Array): this {
    this.parts.push(Buffer.from(v));
    return this;
  }

  build(): Buffer {
    return Buffer.concat(this.parts);
  }
}

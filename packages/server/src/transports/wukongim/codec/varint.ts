import { WkCodecError } from './errors.js';

/** The largest remaining length accepted (WuKongIM's own cap, 1 MiB). */
export const MAX_REMAINING_LENGTH = 1024 * 1024;

/**
 * MQTT's variable length as WuKongIM uses it: 7-bit groups, least significant first, 0x80 = more.
 * Zero encodes as no bytes at all (both the SDK and the Go server do so).
 */
export function encodeVarint(value: number): Buffer {
  if (!Number.isInteger(value) || value < 0 || value > MAX_REMAINING_LENGTH) throw new WkCodecError(`length ${value} out of range`);
  const bytes: number[] = [];
  let rest = value;
  while (rest > 0) {
    let byte = rest % 128;
    rest = Math.floor(rest / 128);
    if (rest > 0) byte |= 0x80;
    bytes.push(byte);
  }
  return Buffer.from(bytes);
}

/**
 * Reads a variable length at `offset`: its value and how many bytes it took. A length with more than
 * four groups (MQTT's maximum) or above the cap is refused, so no sender can make us wait for gigabytes.
 */
export function decodeVarint(buf: Uint8Array, offset: number): { value: number; size: number } {
  let value = 0;
  let multiplier = 1;
  for (let i = 0; i < 4; i++) {
    const byte = buf[offset + i];
    if (byte === undefined) throw new WkCodecError('truncated length');
    value += (byte & 0x7f) * multiplier;
    if ((byte & 0x80) === 0) {
      if (value > MAX_REMAINING_LENGTH) throw new WkCodecError(`length ${value} above ${MAX_REMAINING_LENGTH}`);
      return { value, size: i + 1 };
    }
    multiplier *= 128;
  }
  throw new WkCodecError('length longer than four bytes');
}

import { createRequire } from 'node:module';
import type { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { encodeTextFrame, TextFrames } from './text-frame.js';

/** `ws`'s frame parser, the one its clients use (exported by `ws` but absent from its typings). */
const Receiver = createRequire(import.meta.url)('ws').Receiver as new (options: { isServer: boolean }) => Writable;

/** What `ws`'s own client-side parser makes of the bytes: the texts of the messages, in order. */
function parse(bytes: Buffer): string[] {
  const texts: string[] = [];
  const receiver = new Receiver({ isServer: false });
  receiver.on('message', (data: Buffer, isBinary: boolean) => {
    expect(isBinary).toBe(false);
    texts.push(data.toString());
  });
  receiver.on('error', (err: Error) => {
    throw err;
  });
  receiver.write(bytes);
  return texts;
}

describe('encodeTextFrame', () => {
  // Each length form of RFC 6455 §5.2 at its edges: 7-bit, 16-bit and 64-bit payload lengths.
  it.each([0, 1, 125, 126, 127, 65_535, 65_536, 200_000])('frames %i bytes as ws reads them', (n) => {
    const text = 'x'.repeat(n);
    expect(parse(encodeTextFrame(text))).toEqual([text]);
  });

  it('counts UTF-8 bytes, not UTF-16 units', () => {
    // 62 UTF-16 units that are 124 bytes, then one more 4-byte emoji: 128 bytes, the 16-bit length form.
    const near = `${'é'.repeat(58)}😀😀`;
    for (const text of [near, `${near}😀`, '中'.repeat(30_000)]) expect(parse(encodeTextFrame(text))).toEqual([text]);
  });

  it('frames written back to back read as separate messages', () => {
    const texts = ['{"event":"a"}', 'b'.repeat(300), '{"id":1,"result":null}'];
    expect(parse(Buffer.concat(texts.map(encodeTextFrame)))).toEqual(texts);
  });
});

describe('TextFrames', () => {
  it('gives the same bytes for the same text and new ones for another', () => {
    const frames = new TextFrames();
    const push = JSON.stringify({ event: 'message.new', data: { seq: 1 } });
    const first = frames.frame(push);
    expect(frames.frame(push)).toBe(first);
    // An equal string built separately is the same text.
    expect(frames.frame(JSON.stringify({ event: 'message.new', data: { seq: 1 } }))).toBe(first);
    const other = frames.frame(JSON.stringify({ event: 'message.new', data: { seq: 2 } }));
    expect(parse(other)).toEqual(['{"event":"message.new","data":{"seq":2}}']);
    expect(parse(frames.frame(push))).toEqual([push]);
  });
});

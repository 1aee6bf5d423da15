/**
 * A server-to-client WebSocket text frame (RFC 6455 §5.2: FIN, opcode 1, no mask) as final bytes.
 *
 * `ws` frames every `send` on its own: it encodes the string again and allocates a header for each
 * socket. A push to a group is one text for hundreds of sockets, so the gateway frames it once and
 * writes the same bytes to each of them.
 */
export function encodeTextFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x81;
  if (header === 2) frame[1] = length;
  else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(0, 2); // no string reaches 4 GiB (V8 caps them near 512 MiB)
    frame.writeUInt32BE(length, 6);
  }
  frame.write(text, header, 'utf8');
  return frame;
}

/**
 * Frames texts, remembering the last one: the router hands the same string to every recipient of a
 * push in a row, so all but the first find it here. Comparing two strings is a pointer check when
 * they are the same object and stops at the first difference otherwise.
 */
export class TextFrames {
  private lastText = '';
  private lastFrame: Buffer = encodeTextFrame('');

  frame(text: string): Buffer {
    if (text !== this.lastText) {
      this.lastFrame = encodeTextFrame(text);
      this.lastText = text;
    }
    return this.lastFrame;
  }
}

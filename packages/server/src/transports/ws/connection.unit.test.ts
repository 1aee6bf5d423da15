import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type WebSocket from 'ws';
import { Connection } from './connection.js';
import { TextFrames } from './text-frame.js';
import { WriteBatches } from './write-batches.js';

/** The texts of the unmasked, unfragmented frames in `bytes`, as a server writes them. */
function texts(bytes: Buffer): string[] {
  const out: string[] = [];
  let o = 0;
  while (o < bytes.length) {
    let len = (bytes[o + 1] as number) & 0x7f;
    let at = o + 2;
    if (len === 126) {
      len = bytes.readUInt16BE(o + 2);
      at = o + 4;
    }
    out.push(bytes.toString('utf8', at, at + len));
    o = at + len;
  }
  return out;
}

/**
 * A Connection over the gateway's real WriteBatches and TextFrames, with the socket under it reduced
 * to what Connection touches: its state and the raw stream's write, which records what left when.
 */
function connectionWith(delayMs: number) {
  const written: Array<{ text: string; at: number }> = [];
  const raw = { writableLength: 0, write: (b: Buffer) => written.push(...texts(b).map((text) => ({ text, at: Date.now() }))) > 0 };
  const socket = { readyState: 1, OPEN: 1, CLOSING: 2, CLOSED: 3, _socket: raw } as unknown as WebSocket;
  const output = { frames: new TextFrames(), batches: new WriteBatches(delayMs) };
  return { conn: new Connection('c1', socket, { maxBufferedBytes: 1 << 20 }, output, () => {}), written };
}

const op = fc.oneof(fc.constant('push' as const), fc.constant('reply' as const), fc.integer({ min: 1, max: 30 }));

describe('Connection writes', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setImmediate', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  for (const delayMs of [0, 20]) {
    it(`with a delay of ${delayMs} ms, writes every frame once and in order, replies by the turn's end, pushes within the delay`, () => {
      fc.assert(
        fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
          const { conn, written } = connectionWith(delayMs);
          const sent: Array<{ text: string; at: number; reply: boolean }> = [];
          ops.forEach((o, i) => {
            if (typeof o === 'number') {
              vi.advanceTimersByTime(o);
              return;
            }
            const text = `${o} ${i}`;
            sent.push({ text, at: Date.now(), reply: o === 'reply' });
            if (o === 'reply') conn.reply(i, {});
            else conn.sendText(text);
          });
          vi.advanceTimersByTime(delayMs + 1);
          const order = written.map((w) => w.text.replace(/^\{"id":(\d+),"result":\{\}\}$/, 'reply $1'));
          expect(order).toEqual(sent.map((s) => s.text));
          // Fake timers run a setImmediate queued during a tick 1 ms on.
          sent.forEach((s, i) => {
            const wait = (written[i] as { at: number }).at - s.at;
            expect(wait).toBeLessThanOrEqual(s.reply || delayMs === 0 ? 1 : delayMs + 1);
          });
        }),
      );
    });
  }
});

import { describeEachBackend } from '@parley/test-kit/backends';
import { clientMsgNo, useServer } from '@parley/test-kit/server';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { RawWkClient } from '../../test-support/wukongim-raw-client.js';
import { encodeFrame, PacketType } from './codec/framing.js';
import { decodeDisconnect } from './packets/disconnect.js';
import { encodeSend } from './packets/send.js';
import { decodeSendack } from './packets/sendack.js';

/**
 * Arbitrary bytes on /v1/wukongim, before and after a CONNECT: each message is either a packet the
 * gateway answers or a fault that closes that one connection; the server keeps serving a well-behaved
 * client after every batch. Seeded: a failure prints the seed; PARLEY_FUZZ_SEED replays it.
 */
const seed = Number(process.env.PARLEY_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = 150;

/** A well-formed SEND (version 2) with arbitrary fields: its msgKey and payload are almost never right. */
const wellFormedSend = fc
  .record({
    clientSeq: fc.nat({ max: 2 ** 32 - 1 }),
    clientMsgNo: fc.string({ maxLength: 40 }),
    channelId: fc.constantFrom('fz-wk-peer', 'fz-wk', 'nobody', ''),
    channelType: fc.integer({ min: 0, max: 255 }),
    msgKey: fc.oneof(fc.string({ maxLength: 40 }), fc.stringMatching(/^[0-9a-f]{32}$/)),
    payload: fc.oneof(
      fc.uint8Array({ maxLength: 80 }),
      fc.base64String({ maxLength: 64 }).map((b) => new TextEncoder().encode(b)),
    ),
  })
  .map((f) => new Uint8Array(encodeFrame(PacketType.Send, 0b0010, encodeSend({ ...f, setting: 0, payload: Buffer.from(f.payload) }, 2))));

/** Bytes shaped like packets often enough to get past the framing: a known type, a right length, then noise. */
const packetish = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  wellFormedSend,
  fc
    .tuple(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 15 }), fc.uint8Array({ maxLength: 200 }))
    .map(([type, flags, body]) => new Uint8Array(encodeFrame(type, flags, Buffer.from(body)))),
);

await describeEachBackend('WuKongIM gateway fuzz', (backend) => {
  const server = useServer(backend, { PARLEY_SEND_RATE_PER_SEC: '0' });

  const stillServes = async () => {
    const t = server();
    const c = await RawWkClient.open(t.url);
    expect((await c.connect('fz-wk', await t.token('fz-wk'))).reasonCode).toBe(1);
    c.send({ type: 1, content: 'still here' }, 'fz-wk-peer', 1, clientMsgNo());
    expect(decodeSendack((await c.next(PacketType.Sendack)).body).reasonCode).toBe(1);
    c.close();
  };

  it(`survives arbitrary bytes before and after CONNECT (seed ${seed})`, async () => {
    const t = server();
    await t.ensureUsers('fz-wk', 'fz-wk-peer');
    const token = await t.token('fz-wk');
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.array(packetish, { minLength: 1, maxLength: 4 }), async (authenticate, messages) => {
        const c = await RawWkClient.open(t.url);
        if (authenticate) await c.connect('fz-wk', token);
        for (const m of messages) c.sendRaw(Buffer.from(m));
        // Every packet we sent back is one whole packet in its own message, of a type the SDK knows.
        c.sendRaw(Buffer.from([0x70]));
        await Promise.race([c.closed, c.next(PacketType.Pong).catch(() => undefined)]);
        for (const f of c.frames)
          expect([PacketType.Connack, PacketType.Pong, PacketType.Sendack, PacketType.Recv, PacketType.Disconnect]).toContain(f.type);
        // A DISCONNECT here is a SEND's wrong msgKey (8) or ciphertext (9): the last packet, then the close.
        const disconnects = c.of(PacketType.Disconnect);
        if (disconnects.length) {
          expect(disconnects).toHaveLength(1);
          expect([8, 9]).toContain(decodeDisconnect(disconnects[0]?.body as Buffer).reasonCode);
          expect(c.frames.at(-1)?.type).toBe(PacketType.Disconnect);
          await c.closed;
          expect(c.closeCode).toBe(1002);
        }
        c.close();
      }),
      { seed, numRuns: RUNS },
    );
    await stillServes();
  });
});

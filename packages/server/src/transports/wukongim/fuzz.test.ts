import { describeEachBackend } from '@parley/test-kit/backends';
import { clientMsgNo, useServer } from '@parley/test-kit/server';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { RawWkClient } from '../../test-support/wukongim-raw-client.js';
import { encodeFrame, PacketType } from './codec/framing.js';
import { decodeSendack } from './packets/sendack.js';

/**
 * Arbitrary bytes on /v1/wukongim, before and after a CONNECT: each message is either a packet the
 * gateway answers or a fault that closes that one connection; the server keeps serving a well-behaved
 * client after every batch. Seeded: a failure prints the seed; PARLEY_FUZZ_SEED replays it.
 */
const seed = Number(process.env.PARLEY_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = 150;

/** Bytes shaped like packets often enough to get past the framing: a known type, a right length, then noise. */
const packetish = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
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
        c.close();
      }),
      { seed, numRuns: RUNS },
    );
    await stillServes();
  });
});

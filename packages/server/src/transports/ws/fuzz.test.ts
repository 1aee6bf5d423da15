import { describeEachBackend } from '@parley/test-kit/backends';
import { type TestServer, text, useServer } from '@parley/test-kit/server';
import type { TestClient } from '@parley/test-kit/ws-client';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { buildFuzzWorld, expectClientError, expectWorldStillServes, type FuzzWorld } from '../../test-support/fuzz-world.js';
import { mutationOf, nastyText, nastyValue } from '../../test-support/nasty-json.js';
import { methods } from './methods.js';

/**
 * Generated WebSocket frames against a real server: every method, with valid params changed one
 * thing at a time, frames of the wrong shape and text that is no JSON. Every frame must be answered
 * with a result or an error in the documented shape with a catalogued client-side code, and the
 * server must serve everyone normally afterwards. Seeded: a failure prints the seed (and the frame,
 * shrunk); PARLEY_FUZZ_SEED replays it.
 */
const seed = Number(process.env.PARLEY_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const BATCH = 100;
const SOCKETS = 4;
/** The frame limit closes the socket (1009); that path has its own test in gateway.test.ts. */
const FITS_A_FRAME = 60_000;

/** Valid params per method, naming things that exist; a method without a row fails the suite. */
function baseParams(w: FuzzWorld, token: string): Record<string, Record<string, unknown>> {
  return {
    'message.send': { channelId: 'fz-b', channelType: 1, clientMsgNo: 'fz-send', payload: text('hi') },
    'conversation.list': { limit: 20 },
    'conversation.listPinned': {},
    'conversation.get': { conversationId: 'p2p|fz-b' },
    'conversation.updateExt': { conversationId: 'team|fz-g', ext: 'note' },
    'conversation.pin': { conversationId: 'p2p|fz-b', isPinned: true },
    'conversation.markRead': { conversationId: 'p2p|fz-b' },
    'conversation.mute': { conversationId: 'p2p|fz-b', muted: true },
    'conversation.archive': { conversationId: 'p2p|fz-b', archived: true },
    'conversation.updateLabels': { conversationId: 'p2p|fz-b', add: ['work'], remove: ['home'] },
    'conversation.updateDraft': { conversationId: 'p2p|fz-b', text: 'draft', ext: 'e' },
    'conversation.listLabels': {},
    'conversation.delete': { conversationIds: ['p2p|fz-c'] },
    'conversation.sync': {},
    'conversation.totalUnread': {},
    'message.history': { conversationId: 'super_team|fz-s', startSeq: 0, limit: 20 },
    'message.removeHistory': { conversationId: 'p2p|fz-b', messageIds: [w.peers] },
    'message.search': { q: '北京 hi', conversationId: 'p2p|fz-b', limit: 20 },
    'conversation.search': { q: 'fz', limit: 20 },
    'message.revoke': { messageId: w.own },
    'message.edit': { messageId: w.own, payload: text('edited') },
    'message.addReaction': { messageId: w.group, emoji: '👍' },
    'message.removeReaction': { messageId: w.group, emoji: '👍' },
    'message.readReceipt': { messageIds: [w.peers] },
    'message.syncOnce': { limit: 20 },
    'message.ackOnce': { messageIds: [w.peers] },
    'presence.subscribe': { uids: ['fz-b'] },
    'presence.unsubscribe': { uids: ['fz-b'] },
    'user.profiles': { uids: ['fz-b'] },
    'typing.start': { channelId: 'fz-b', channelType: 1 },
    'typing.stop': { channelId: 'fz-g', channelType: 2 },
    ping: {},
    auth: { token, deviceId: 'again' },
  };
}

function frameArbitrary(bases: Record<string, Record<string, unknown>>): fc.Arbitrary<string> {
  const names = Object.keys(bases);
  const request = fc
    .tuple(
      fc.constantFrom(...names),
      fc.integer({ min: 1, max: 1_000_000 }),
      fc.constantFrom(...names).chain((m) => mutationOf(bases[m] as Record<string, unknown>)),
    )
    .map(([method, id, params]) => JSON.stringify({ id, method, params }));
  const ofMethod = fc
    .constantFrom(...names)
    .chain((method) => mutationOf(bases[method] as Record<string, unknown>).map((params) => JSON.stringify({ id: 1, method, params })));
  const wrongFrame = mutationOf({ id: 1, method: 'ping', params: {} }).map((f) => JSON.stringify(f) ?? 'undefined');
  const wrongMethod = fc.tuple(nastyValue, nastyValue).map(([method, id]) => JSON.stringify({ id, method, params: {} }));
  return fc
    .oneof(
      { weight: 10, arbitrary: ofMethod },
      { weight: 2, arbitrary: request },
      { weight: 2, arbitrary: wrongFrame },
      { weight: 1, arbitrary: wrongMethod },
      { weight: 1, arbitrary: nastyText },
    )
    .filter((f) => Buffer.byteLength(f) < FITS_A_FRAME);
}

/** Sends each frame and waits for its answer before the next, so answers pair with frames. */
async function play(client: TestClient, frames: readonly string[]): Promise<void> {
  for (const frame of frames) {
    const reply = await client.raw(frame);
    const context = `seed ${seed}, frame ${frame.slice(0, 300)}`;
    if (reply && typeof reply === 'object' && 'error' in reply) expectClientError(reply.error, context);
    else expect(reply, context).toHaveProperty('result');
    // Pushes caused by the fuzz are not under test here; keep memory flat.
    client.events.length = 0;
  }
}

async function fuzz(t: TestServer, frames: number): Promise<void> {
  const world = await buildFuzzWorld(t);
  const token = await t.token('fz-a');
  const bases = baseParams(world, token);
  expect(Object.keys(methods).filter((m) => !Object.hasOwn(bases, m))).toEqual([]);
  const sockets = await Promise.all(Array.from({ length: SOCKETS }, (_, i) => t.connect('fz-a', `fuzz-${i}`)));
  await fc.assert(
    fc.asyncProperty(fc.array(frameArbitrary(bases), { minLength: BATCH, maxLength: BATCH }), async (batch) => {
      const share = Math.ceil(batch.length / SOCKETS);
      await Promise.all(sockets.map((s, i) => play(s, batch.slice(i * share, (i + 1) * share))));
    }),
    { seed, numRuns: Math.ceil(frames / BATCH), endOnFailure: true },
  );
  for (const s of sockets) expect(s.closeCode, 'a fuzzed socket was closed').toBeUndefined();
  await expectWorldStillServes(t, `after the fuzz with seed ${seed} (PARLEY_FUZZ_SEED replays it)`);
}

await describeEachBackend('WebSocket fuzz', (backend) => {
  const server = useServer(backend, { PARLEY_SEND_RATE_PER_SEC: '0' });
  // PostgreSQL answers each request in a round trip or more: fewer frames keep CI's time in bounds.
  const frames = Number(process.env.PARLEY_FUZZ_FRAMES ?? (backend.inProcess ? 20_000 : 5_000));

  it(`${frames} generated frames: each answered in the documented shape, no server error, everyone served after`, {
    timeout: 240_000,
  }, async () => {
    await fuzz(server(), frames);
  });

  it('text frames that are not UTF-8, and binary frames, are refused without harm', async () => {
    const t = server();
    const binary = await t.connect('fz-a', 'binary');
    expect(await binary.raw(Buffer.from('{"id":1,"method":"ping"}'))).toMatchObject({ error: { code: 'request.malformed' } });
    const broken = await t.connect('fz-a', 'utf8');
    broken.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    await broken.closed;
    expect(broken.closeCode).toBe(1007);
    expect(await binary.request('ping')).toHaveProperty('pong');
  });
});

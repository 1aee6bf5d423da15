import { ErrorCatalogue } from '@parley/protocol';
import { describeEachBackend } from '@parley/test-kit/backends';
import { type TestServer, text, useServer } from '@parley/test-kit/server';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { buildFuzzWorld, expectClientError, expectWorldStillServes, type FuzzWorld } from '../../test-support/fuzz-world.js';
import { mutationOf, nastyText } from '../../test-support/nasty-json.js';

/**
 * Generated requests against every REST endpoint the server documents (read from its own OpenAPI
 * document, so a new endpoint is fuzzed without anyone listing it): valid requests changed one
 * thing at a time, nasty path segments and query values, bodies that are no JSON, every kind of
 * credential. No answer may be a 5xx; every error is in the documented shape with its catalogued
 * status. Seeded: a failure prints the seed; PARLEY_FUZZ_SEED replays it.
 */
const seed = Number(process.env.PARLEY_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const BATCH = 50;
const LANES = 4;

interface Operation {
  method: string;
  /** OpenAPI template, e.g. /v1/messages/{messageId}/revoke */
  path: string;
  query: string[];
  hasBody: boolean;
}

interface Request {
  method: string;
  url: string;
  body: string | undefined;
  contentType: string | undefined;
  auth: 'user' | 'admin' | 'none' | 'garbage';
}

/** Valid bodies naming things that exist; an endpoint with a body and no row here fails the suite. */
function baseBodies(w: FuzzWorld): Record<string, Record<string, unknown>> {
  return {
    'POST /v1/dev/login': { uid: 'fz-a' },
    'POST /v1/dev/groups': { name: 'Fuzz', members: ['fz-b'] },
    'POST /v1/dev/groups/{groupId}/members': { uids: ['fz-c'] },
    'POST /v1/messages': { channelId: 'fz-b', channelType: 1, clientMsgNo: 'fz-rest', payload: text('hi') },
    'POST /v1/conversations/{conversationId}/messages/remove': { messageIds: [w.peers] },
    'PATCH /v1/messages/{messageId}': { payload: text('edited') },
    'POST /v1/messages/read': { messageIds: [w.peers] },
    'POST /v1/messages/{messageId}/stream': { chunkNo: 1, delta: 'chunk' },
    'POST /v1/messages/{messageId}/stream/end': { status: 'done' },
    'POST /v1/messages/sync-once/ack': { messageIds: [w.peers] },
    'POST /v1/conversations/delete': { conversationIds: ['p2p|fz-c'] },
    'PUT /v1/conversations/{conversationId}/ext': { ext: 'note' },
    'POST /v1/wukongim/conversation/sync': { uid: 'fz-a', msg_count: 1, last_msg_seqs: 'fz-b:1:1' },
    'POST /v1/wukongim/message/extra/sync': { login_uid: 'fz-a', channel_id: 'fz-b', channel_type: 1, extra_version: 0, limit: 100 },
    'POST /v1/wukongim/channel/messagesync': { login_uid: 'fz-a', channel_id: 'fz-b', channel_type: 1, limit: 30, pull_mode: 0 },
    'POST /v1/wukongim/conversations/setUnread': { uid: 'fz-a', channel_id: 'fz-b', channel_type: 1, unread: 0 },
    'POST /v1/wukongim/conversations/clearUnread': { uid: 'fz-a', channel_id: 'fz-b', channel_type: 1 },
    'POST /v1/wukongim/conversations/delete': { uid: 'fz-a', channel_id: 'fz-c', channel_type: 1 },
    'POST /v1/wukongim/message/send': {
      from_uid: 'fz-a',
      channel_id: 'fz-b',
      channel_type: 1,
      payload: Buffer.from(JSON.stringify(text('hi'))).toString('base64'),
    },
    'PUT /v1/conversations/{conversationId}/pin': { isPinned: true },
    'PUT /v1/conversations/{conversationId}/mute': { muted: true },
    'PUT /v1/conversations/{conversationId}/archive': { archived: true },
    'PUT /v1/conversations/{conversationId}/labels': { add: ['work'], remove: ['home'] },
    'PUT /v1/conversations/{conversationId}/draft': { text: 'draft', ext: 'e' },
    'POST /v1/conversations/{conversationId}/read': {},
    'POST /v1/admin/users': { uid: 'fz-new', name: 'New' },
    'POST /v1/admin/users/batch': { users: [{ uid: 'fz-batch' }] },
    'PATCH /v1/admin/users/{uid}': { name: 'A' },
    'POST /v1/admin/users/{uid}/token': { expiresInSeconds: 3600 },
    'POST /v1/admin/users/{uid}/blacklist': { uids: ['fz-c'] },
    'POST /v1/admin/users/{uid}/blacklist/remove': { uids: ['fz-c'] },
    // Its uid comes from its OWN_PATH_PARAMS (below): a banned fuzz user would turn the rest of the run into refusals.
    'POST /v1/admin/users/{uid}/ban': { banned: true },
    'POST /v1/admin/users/online': { uids: ['fz-b'] },
    'POST /v1/users/batch': { uids: ['fz-b'] },
    'PUT /v1/admin/users/{uid}/presence': { hidden: true },
    'POST /v1/admin/users/{uid}/kick': { deviceId: 'd1' },
    // Its uid comes from its OWN_PATH_PARAMS (below): erasing the fuzz users would leave the rest of the run nobody to act as.
    'DELETE /v1/admin/users/{uid}': { erase: true },
    'POST /v1/admin/groups': { groupId: 'fz-new', channelType: 2, ownerUid: 'fz-a' },
    'PATCH /v1/admin/groups/{groupId}': { name: 'G' },
    'POST /v1/admin/groups/{groupId}/members': { uids: ['fz-c'] },
    'POST /v1/admin/groups/{groupId}/members/remove': { uids: ['fz-c'] },
    'PUT /v1/admin/groups/{groupId}/owner': { uid: 'fz-a' },
    'PUT /v1/admin/groups/{groupId}/admins': { uids: ['fz-b'], isAdmin: true },
    'PUT /v1/admin/groups/{groupId}/mute': { muteAll: false },
    'PUT /v1/admin/groups/{groupId}/members/{uid}/mute': { muted: false },
    'PUT /v1/admin/groups/{groupId}/whitelist': { uids: [] },
    'PUT /v1/admin/groups/{groupId}/retention': { retentionDays: 7 },
    'POST /v1/admin/messages': { fromUid: 'fz-a', channelId: 'fz-g', channelType: 2, payload: text('admin') },
    // Off ("") as its base: a mutation that is a valid URL sends the rest of the run's events there, to no one.
    'PUT /v1/admin/webhook': { url: '' },
    'POST /v1/admin/webhook/dead-letters/replay': { ids: ['1'] },
    'POST /v1/admin/webhook/dead-letters/discard': { ids: ['1'] },
  };
}

const segment = (values: string[]): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...values).map(encodeURIComponent) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }).map(encodeURIComponent) },
    { weight: 1, arbitrary: fc.constantFrom('%FF', '%', '%E0%A4%A', '%00', '..', '.', 'a'.repeat(130), '%2F..%2F', '__proto__', '') },
  );

/** Path parameters of one operation that differ from `pathParams`. */
const OWN_PATH_PARAMS: Record<string, Record<string, fc.Arbitrary<string>>> = {
  'DELETE /v1/admin/users/{uid}': { uid: segment(['fz-erasable', '__system__']) },
  'POST /v1/admin/users/{uid}/ban': { uid: segment(['fz-bannable', '__system__']) },
};

function pathParams(w: FuzzWorld): Record<string, fc.Arbitrary<string>> {
  return {
    uid: segment(['fz-a', 'fz-b', 'fz-c', '__system__']),
    groupId: segment(['fz-g', 'fz-s', 'nope']),
    conversationId: segment(['p2p|fz-b', 'team|fz-g', 'super_team|fz-s', 'p2p|fz-a', 'team|nope']),
    messageId: segment([w.own, w.peers, w.group, w.stream, '1', '18446744073709551616']),
    emoji: segment(['👍', '❤️', 'x']),
    fileId: segment(['nope', 'a'.repeat(40)]),
  };
}

const queryValue = fc.oneof(
  fc.constantFrom('1', '0', '-1', '20', '100', '101', '1e3', 'true', 'false', 'up', 'down', '', 'abc', '9007199254740993'),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

function requestArbitrary(ops: Operation[], w: FuzzWorld): fc.Arbitrary<Request> {
  const bodies = baseBodies(w);
  const params = pathParams(w);
  return fc.constantFrom(...ops).chain((op) => {
    const names = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
    const path = fc
      .tuple(...names.map((n) => OWN_PATH_PARAMS[`${op.method} ${op.path}`]?.[n] ?? params[n] ?? segment(['x'])))
      .map((values) => names.reduce((p, n, i) => p.replace(`{${n}}`, values[i] as string), op.path));
    const query = fc
      .array(fc.tuple(fc.constantFrom(...op.query, 'surprise', '__proto__'), queryValue), { maxLength: 4 })
      .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}` : ''));
    const base = bodies[`${op.method} ${op.path}`] ?? {};
    const body = fc.oneof(
      {
        weight: op.hasBody ? 8 : 1,
        arbitrary: mutationOf(base).map((b) => ({ body: JSON.stringify(b), contentType: 'application/json' })),
      },
      { weight: 1, arbitrary: nastyText.map((t) => ({ body: t, contentType: 'application/json' })) },
      {
        weight: 1,
        arbitrary: fc
          .constantFrom('text/plain', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded')
          .map((c) => ({ body: 'a=1', contentType: c })),
      },
      { weight: op.hasBody ? 1 : 6, arbitrary: fc.constant({ body: undefined, contentType: undefined }) },
    );
    const auth = fc.constantFrom<Request['auth']>('user', 'user', 'user', 'admin', 'admin', 'none', 'garbage');
    return fc.tuple(path, query, body, auth).map(([p, q, b, a]) => ({ method: op.method, url: `${p}${q}`, ...b, auth: a }));
  });
}

async function play(t: TestServer, tokens: { user: string }, requests: readonly Request[]): Promise<void> {
  for (const r of requests) {
    const headers: Record<string, string> = {};
    if (r.contentType) headers['content-type'] = r.contentType;
    if (r.auth !== 'none')
      headers.authorization = `Bearer ${r.auth === 'user' ? tokens.user : r.auth === 'admin' ? t.config.appSecret : 'x.y.z'}`;
    const hasBody = r.body !== undefined && r.method !== 'GET';
    const res = await fetch(`${t.url}${r.url}`, { method: r.method, headers, body: hasBody ? r.body : undefined });
    const raw = await res.text();
    const context = `seed ${seed}, ${r.method} ${r.url} (${r.auth}) ${String(r.body).slice(0, 300)} -> ${res.status} ${raw.slice(0, 300)}`;
    expect(res.status, context).toBeLessThan(500);
    if (res.status >= 400) {
      const body = JSON.parse(raw) as { code: keyof typeof ErrorCatalogue };
      expectClientError(body, context);
      // A refused send answers with the status fitting its reason code (documented as "403…").
      if (body.code !== 'message.refused') expect(ErrorCatalogue[body.code].status, context).toBe(res.status);
    }
  }
}

async function fuzz(t: TestServer, count: number): Promise<void> {
  const world = await buildFuzzWorld(t);
  // Erased by the first generated erasure that names it; later ones resume a finished erasure.
  await t.ensureUsers('fz-erasable', 'fz-bannable');
  const spec = (await t.http('GET', '/docs/json')).body as {
    paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string }>; requestBody?: unknown }>>;
  };
  const ops: Operation[] = Object.entries(spec.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      hasBody: op.requestBody !== undefined,
    })),
  );
  expect(ops.length).toBeGreaterThan(40);
  const bodies = baseBodies(world);
  expect(ops.filter((o) => o.hasBody && !Object.hasOwn(bodies, `${o.method} ${o.path}`)).map((o) => `${o.method} ${o.path}`)).toEqual([]);
  const tokens = { user: await t.token('fz-a') };
  await fc.assert(
    fc.asyncProperty(fc.array(requestArbitrary(ops, world), { minLength: BATCH, maxLength: BATCH }), async (batch) => {
      const share = Math.ceil(batch.length / LANES);
      await Promise.all(Array.from({ length: LANES }, (_, i) => play(t, tokens, batch.slice(i * share, (i + 1) * share))));
    }),
    { seed, numRuns: Math.ceil(count / BATCH), endOnFailure: true },
  );
  await expectWorldStillServes(t, `after the fuzz with seed ${seed} (PARLEY_FUZZ_SEED replays it)`);
}

await describeEachBackend('REST fuzz', (backend) => {
  const server = useServer(backend, { PARLEY_SEND_RATE_PER_SEC: '0' });
  const count = Number(process.env.PARLEY_FUZZ_REQUESTS ?? (backend.inProcess ? 5_000 : 2_000));

  it(`${count} generated requests over every documented endpoint: no 5xx, every error catalogued`, { timeout: 240_000 }, async () => {
    await fuzz(server(), count);
  });
});

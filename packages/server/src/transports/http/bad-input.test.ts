import { describeEachBackend } from '@parley/test-kit/backends';
import { type TestServer, useServer } from '@parley/test-kit/server';
import { expect, it } from 'vitest';
import { TokenService } from '../../domain/auth/tokens.js';

type Auth = 'user' | 'admin' | 'none';
interface Endpoint {
  method: string;
  path: string;
  auth: Auth;
  /** A body of the right shape, so each probe below changes one thing only. */
  body?: unknown;
}

const endpoints: Endpoint[] = [
  {
    method: 'POST',
    path: '/v1/messages',
    auth: 'user',
    body: { channelId: 'bi-b', channelType: 1, clientMsgNo: 'bi-1', payload: { type: 1, content: 'x' } },
  },
  { method: 'POST', path: '/v1/dev/login', auth: 'none', body: { uid: 'bi-new' } },
  { method: 'POST', path: '/v1/dev/groups', auth: 'user', body: { groupId: 'bi-g3', name: 'G', members: ['bi-b'] } },
  { method: 'POST', path: '/v1/dev/groups/bi-g/members', auth: 'user', body: { uids: ['bi-b'] } },
  { method: 'GET', path: '/v1/groups/bi-g', auth: 'user' },
  { method: 'GET', path: '/v1/groups/bi-g/members', auth: 'user' },
  { method: 'POST', path: '/v1/admin/users', auth: 'admin', body: { uid: 'bi-new2' } },
  { method: 'GET', path: '/v1/admin/users/bi-a', auth: 'admin' },
  { method: 'PATCH', path: '/v1/admin/users/bi-a', auth: 'admin', body: { name: 'A' } },
  { method: 'POST', path: '/v1/admin/users/bi-a/token', auth: 'admin', body: { expiresInSeconds: 3600 } },
  { method: 'GET', path: '/v1/admin/users/bi-a/blacklist', auth: 'admin' },
  { method: 'POST', path: '/v1/admin/users/bi-a/blacklist', auth: 'admin', body: { uids: ['bi-b'] } },
  { method: 'POST', path: '/v1/admin/users/bi-a/blacklist/remove', auth: 'admin', body: { uids: ['bi-b'] } },
  { method: 'POST', path: '/v1/admin/groups', auth: 'admin', body: { groupId: 'bi-g2', channelType: 2, ownerUid: 'bi-a' } },
  { method: 'GET', path: '/v1/admin/groups/bi-g', auth: 'admin' },
  { method: 'PATCH', path: '/v1/admin/groups/bi-g', auth: 'admin', body: { name: 'G' } },
  { method: 'DELETE', path: '/v1/admin/groups/bi-g', auth: 'admin' },
  { method: 'GET', path: '/v1/admin/groups/bi-g/members', auth: 'admin' },
  { method: 'POST', path: '/v1/admin/groups/bi-g/members', auth: 'admin', body: { uids: ['bi-b'] } },
  { method: 'POST', path: '/v1/admin/groups/bi-g/members/remove', auth: 'admin', body: { uids: ['bi-b'] } },
  { method: 'PUT', path: '/v1/admin/groups/bi-g/owner', auth: 'admin', body: { uid: 'bi-a' } },
  { method: 'PUT', path: '/v1/admin/groups/bi-g/admins', auth: 'admin', body: { uids: ['bi-a'], isAdmin: true } },
  { method: 'PUT', path: '/v1/admin/groups/bi-g/mute', auth: 'admin', body: { muteAll: true } },
  { method: 'PUT', path: '/v1/admin/groups/bi-g/members/bi-a/mute', auth: 'admin', body: { muted: true } },
  { method: 'GET', path: '/v1/admin/groups/bi-g/whitelist', auth: 'admin' },
  { method: 'PUT', path: '/v1/admin/groups/bi-g/whitelist', auth: 'admin', body: { uids: [] } },
  {
    method: 'POST',
    path: '/v1/admin/messages',
    auth: 'admin',
    body: { channelId: 'bi-g', channelType: 2, payload: { type: 1, content: 'x' } },
  },
  { method: 'POST', path: '/v1/admin/users/batch', auth: 'admin', body: { users: [{ uid: 'bi-new3' }] } },
  { method: 'GET', path: '/v1/conversations', auth: 'user' },
  { method: 'GET', path: '/v1/conversations/pinned', auth: 'user' },
  { method: 'GET', path: '/v1/conversations/sync', auth: 'user' },
  { method: 'GET', path: '/v1/conversations/unread', auth: 'user' },
  { method: 'GET', path: '/v1/conversations/team%7Cbi-g', auth: 'user' },
  { method: 'PUT', path: '/v1/conversations/team%7Cbi-g/ext', auth: 'user', body: { ext: 'x' } },
  { method: 'PUT', path: '/v1/conversations/team%7Cbi-g/pin', auth: 'user', body: { isPinned: true } },
  { method: 'POST', path: '/v1/conversations/team%7Cbi-g/read', auth: 'user', body: { seq: 1 } },
  { method: 'PUT', path: '/v1/conversations/team%7Cbi-g/mute', auth: 'user', body: { muted: true } },
  { method: 'PUT', path: '/v1/conversations/team%7Cbi-g/archive', auth: 'user', body: { archived: true } },
  { method: 'PUT', path: '/v1/conversations/team%7Cbi-g/labels', auth: 'user', body: { add: ['x'], remove: ['y'] } },
  { method: 'PUT', path: '/v1/conversations/team%7Cbi-g/draft', auth: 'user', body: { text: 'x', ext: 'y' } },
  { method: 'GET', path: '/v1/conversation-labels', auth: 'user' },
  { method: 'POST', path: '/v1/conversations/delete', auth: 'user', body: { conversationIds: ['team|bi-x'] } },
  { method: 'GET', path: '/v1/conversations/team%7Cbi-g/messages', auth: 'user' },
  { method: 'POST', path: '/v1/conversations/team%7Cbi-g/messages/remove', auth: 'user', body: { messageIds: ['1'] } },
  { method: 'POST', path: '/v1/messages/1/revoke', auth: 'user' },
  { method: 'PATCH', path: '/v1/messages/1', auth: 'user', body: { payload: { type: 1, content: 'x' } } },
  { method: 'POST', path: '/v1/messages/1/stream', auth: 'user', body: { chunkNo: 1, delta: 'x' } },
  { method: 'POST', path: '/v1/messages/1/stream/end', auth: 'user', body: { status: 'done' } },
  { method: 'PUT', path: '/v1/messages/1/reactions/x', auth: 'user' },
  { method: 'POST', path: '/v1/messages/read', auth: 'user', body: { messageIds: ['1'] } },
  { method: 'GET', path: '/v1/messages/search?q=x', auth: 'user' },
  { method: 'GET', path: '/v1/conversations/search?q=x', auth: 'user' },
];

const withBody = endpoints.filter((e) => e.body !== undefined);
const authenticated = endpoints.filter((e) => e.auth !== 'none');

await describeEachBackend('bad input on every REST endpoint: the documented error, nothing stored, server up', (backend) => {
  const server = useServer(backend);
  let userToken = '';
  let before: Record<string, number> = {};

  const call = (
    t: TestServer,
    e: Endpoint,
    options: { token?: string; raw?: string; body?: unknown; path?: string; headers?: Record<string, string> },
  ) =>
    t.http(e.method, options.path ?? e.path, {
      token: options.token ?? (e.auth === 'admin' ? t.config.appSecret : e.auth === 'user' ? userToken : undefined),
      ...options,
    });

  it('sets up and records the row counts', async () => {
    const t = server();
    await t.createUsers('bi-a', 'bi-b');
    await t.adminOk('POST', '/groups', { groupId: 'bi-g', channelType: 2, ownerUid: 'bi-a' });
    userToken = await t.token('bi-a');
    before = await t.rowCounts();
  });

  it.each(withBody)('$method $path: malformed JSON -> 400 request.malformed', async (e) => {
    const res = await call(server(), e, { raw: '{"uid": "x",' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('request.malformed');
  });

  it.each(withBody)('$method $path: wrong types -> 400 request.invalid with the path', async (e) => {
    const res = await call(server(), e, { body: [1, 2, 3] });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'request.invalid', message: expect.stringContaining('body') });
    const typed = await call(server(), e, { body: Object.fromEntries(Object.keys(e.body as object).map((k) => [k, { nested: true }])) });
    expect(typed.status).toBe(400);
    // A send whose every fault a reason code names is a refused send (here channelType first: 23), as on the WebSocket;
    // POST /v1/messages has a clientMsgNo of the wrong type, which no code names.
    if (e.path === '/v1/admin/messages') expect(typed.body).toMatchObject({ code: 'message.refused', details: { reasonCode: 23 } });
    else expect(typed.body.code).toBe('request.invalid');
  });

  it.each(withBody)('$method $path: unknown field -> 400 request.invalid', async (e) => {
    const res = await call(server(), e, { body: { ...(e.body as object), surprise: 1 } });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('request.invalid');
  });

  it.each(withBody)('$method $path: oversize body -> 413 request.too_large', async (e) => {
    const res = await call(server(), e, { raw: JSON.stringify({ pad: 'x'.repeat(200 * 1024) }) });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('request.too_large');
  });

  it.each(withBody)('$method $path: not JSON -> 415', async (e) => {
    const res = await call(server(), e, { raw: 'uid=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(415);
    expect(res.body.code).toBe('request.unsupported_media_type');
  });

  it.each(authenticated)('$method $path: no credentials -> 401 auth.required', async (e) => {
    const res = await server().http(e.method, e.path, e.body === undefined ? {} : { body: e.body });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('auth.required');
  });

  it.each(authenticated.filter((e) => e.body !== undefined))(
    '$method $path: no credentials and a wrong body -> 401 auth.required (credentials before the body)',
    async (e) => {
      const res = await server().http(e.method, e.path, { body: { wrong: [1] } });
      expect([res.status, res.body.code]).toEqual([401, 'auth.required']);
      const admin = e.auth === 'admin' ? await server().http(e.method, e.path, { body: { wrong: [1] }, token: userToken }) : undefined;
      if (admin) expect([admin.status, admin.body.code]).toEqual([403, 'auth.admin_required']);
    },
  );

  it.each(authenticated)('$method $path: forged or expired credentials are refused', async (e) => {
    const t = server();
    const forged = await new TokenService('not-the-secret-not-the-secret-not', 60).issue('bi-a');
    const expired = await new TokenService(t.config.appSecret, 60).issue('bi-a', -10);
    const body = e.body === undefined ? {} : { body: e.body };
    const withForged = await call(t, e, { token: forged.token, ...body });
    const withExpired = await call(t, e, { token: expired.token, ...body });
    if (e.auth === 'admin') {
      // A client token is no app secret, however valid.
      expect([withForged.status, withForged.body.code]).toEqual([403, 'auth.admin_required']);
      expect((await call(t, e, { token: userToken, ...body })).body.code).toBe('auth.admin_required');
    } else {
      expect([withForged.status, withForged.body.code]).toEqual([401, 'auth.invalid_token']);
      expect([withExpired.status, withExpired.body.code]).toEqual([401, 'auth.token_expired']);
      expect((await call(t, e, { token: 'garbage', ...body })).body.code).toBe('auth.invalid_token');
    }
  });

  it.each(endpoints.filter((e) => /bi-a|bi-g|\/messages\/1/.test(e.path)))(
    '$method $path: an id that breaks the id rule -> 400 request.invalid',
    async (e) => {
      const bad = e.path.replace(/bi-a|bi-g/, 'bad%20id').replace('/messages/1', '/messages/not-a-number');
      const res = await call(server(), e, { path: bad, ...(e.body === undefined ? {} : { body: e.body }) });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('request.invalid');
    },
  );

  it.each([
    ['/v1/dev/groups', { groupId: 'bad id', members: ['bi-b'] }],
    ['/v1/dev/groups', { members: ['bi-b', 'bad id'] }],
    ['/v1/dev/groups', { name: 'nul\u0000', members: ['bi-b'] }],
    ['/v1/dev/groups/bi-g/members', { uids: ['bad id'] }],
  ])('POST %s %j: an id (or name) that breaks the rule -> 400 request.invalid', async (path, body) => {
    const res = await server().http('POST', path, { token: userToken, body });
    expect([res.status, res.body.code]).toEqual([400, 'request.invalid']);
  });

  it('changed nothing, and the server is still up', async () => {
    const t = server();
    expect(await t.rowCounts()).toEqual(before);
    expect((await t.http('GET', '/healthz')).body.status).toBe('ok');
  });

  const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  it.each([
    ['', 'request.invalid'],
    ['q=', 'request.invalid'],
    ['q=x&limit=0', 'request.invalid'],
    ['q=x&limit=101', 'request.invalid'],
    ['q=x&before=-1', 'request.invalid'],
    ['q=x&after=soon', 'request.invalid'],
    ['q=x&fromUid=bad%20id', 'request.invalid'],
    ['q=x&conversationId=nope', 'request.invalid'],
    ['q=x%00y', 'request.invalid'],
    [`q=${'x'.repeat(201)}`, 'request.invalid'],
    ['q=x&cursor=', 'request.invalid'],
    ['q=x&surprise=1', 'request.invalid'],
    ['q=%21%3F%20%E3%80%82', 'search.invalid_query'],
    [`q=${Array.from({ length: 17 }, (_, i) => `w${i}`).join('%20')}`, 'search.invalid_query'],
    ['q=x&cursor=not-json', 'search.invalid_cursor'],
    [`q=x&cursor=${cursorOf({ rowid: 1 })}`, 'search.invalid_cursor'],
    [`q=x&cursor=${cursorOf(['a', 'b', 'c'])}`, 'search.invalid_cursor'],
  ])('GET /v1/messages/search?%s -> 400 %s', async (query, code) => {
    const res = await server().http('GET', `/v1/messages/search?${query}`, { token: userToken });
    expect([res.status, res.body.code]).toEqual([400, code]);
  });

  it.each([
    ['conversationId=team%7Cbi-nobody', 404, 'conversation.not_found'],
    ['conversationId=system%7Cbi-b', 403, 'conversation.forbidden'],
  ])('GET /v1/messages/search?q=x&%s -> %i %s, as history answers', async (query, status, code) => {
    const res = await server().http('GET', `/v1/messages/search?q=x&${query}`, { token: userToken });
    expect([res.status, res.body.code]).toEqual([status, code]);
  });

  it.each(['', 'q=', 'q=x&limit=0', 'q=x&limit=101', 'q=%01', `q=${'x'.repeat(65)}`, 'q=x&surprise=1'])(
    'GET /v1/conversations/search?%s -> 400 request.invalid',
    async (query) => {
      const res = await server().http('GET', `/v1/conversations/search?${query}`, { token: userToken });
      expect([res.status, res.body.code]).toEqual([400, 'request.invalid']);
    },
  );

  it.each(['limit=abc', 'limit=0', 'pageSize=51', 'needLastMsg=maybe', 'cursor=%00%01', 'surprise=1'])(
    'GET /v1/conversations?%s -> 400 request.invalid',
    async (query) => {
      const res = await server().http('GET', `/v1/conversations?${query}`, { token: userToken });
      expect([res.status, res.body.code]).toEqual([400, 'request.invalid']);
    },
  );

  it.each(['limit=abc', 'limit=0', 'pageSize=51', 'needLastMsg=maybe', 'surprise=1'])(
    'GET /v1/conversations?%s -> 400 request.invalid',
    async (query) => {
      const res = await server().http('GET', `/v1/conversations?${query}`, { token: userToken });
      expect([res.status, res.body.code]).toEqual([400, 'request.invalid']);
    },
  );

  // Streamed messages: the chunk's number and text, the end's status, and the send's flag.
  it.each([
    ['/v1/messages/1/stream', { chunkNo: 0, delta: 'x' }],
    ['/v1/messages/1/stream', { chunkNo: -1, delta: 'x' }],
    ['/v1/messages/1/stream', { chunkNo: 1.5, delta: 'x' }],
    ['/v1/messages/1/stream', { chunkNo: '1', delta: 'x' }],
    ['/v1/messages/1/stream', { chunkNo: 1_000_001, delta: 'x' }],
    ['/v1/messages/1/stream', { chunkNo: 1, delta: '' }],
    ['/v1/messages/1/stream', { chunkNo: 1 }],
    ['/v1/messages/1/stream', { delta: 'x' }],
    ['/v1/messages/1/stream', { chunkNo: 1, delta: 7 }],
    ['/v1/messages/1/stream/end', { status: '' }],
    ['/v1/messages/1/stream/end', { status: 'not done' }],
    ['/v1/messages/1/stream/end', { status: 'x'.repeat(33) }],
    ['/v1/messages/1/stream/end', { status: 'nul\u0000' }],
    ['/v1/messages', { channelId: 'bi-b', channelType: 1, clientMsgNo: 'bi-s', payload: { type: 1, content: 'x' }, stream: 'yes' }],
    [
      '/v1/messages',
      {
        channelId: 'bi-b',
        channelType: 1,
        clientMsgNo: 'bi-s',
        payload: { type: 2, url: 'https://x/a.png', width: 1, height: 1 },
        stream: true,
      },
    ],
    [
      '/v1/messages',
      {
        channelId: 'bi-b',
        channelType: 1,
        clientMsgNo: 'bi-s',
        payload: { type: 1, content: 'x' },
        header: { noPersist: true },
        stream: true,
      },
    ],
  ])('POST %s %j -> 400 request.invalid', async (path, body) => {
    const res = await server().http('POST', path, { token: userToken, body });
    expect([res.status, res.body.code]).toEqual([400, 'request.invalid']);
  });

  // Found by the fuzz suite: PostgreSQL text cannot hold NUL, so these answered 500 there.
  it.each([
    ['PUT', '/v1/messages/1/reactions/%00', undefined],
    ['PUT', '/v1/messages/1/reactions/a%1Fb', undefined],
    ['PUT', '/v1/conversations/team%7Cbi-g/ext', { ext: 'nul\u0000inside' }],
  ])('%s %s %j: NUL or control characters -> 400 request.invalid', async (method, path, body) => {
    const res = await server().http(method, path, { token: userToken, ...(body === undefined ? {} : { body }) });
    expect([res.status, res.body.code]).toEqual([400, 'request.invalid']);
  });

  it.each([
    ['a=1', 'multipart/form-data; boundary=x'],
    [
      '--x\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\nabc',
      'multipart/form-data; boundary=x',
    ],
    ['a=1', 'multipart/form-data'],
  ])('POST /v1/files with a broken multipart body %j -> 400 request.malformed', async (raw, contentType) => {
    const res = await server().http('POST', '/v1/files', { token: userToken, raw, headers: { 'content-type': contentType } });
    expect([res.status, res.body.code]).toEqual([400, 'request.malformed']);
  });

  it('answers an unknown path with route.not_found', async () => {
    const res = await server().http('GET', '/v1/nope');
    expect([res.status, res.body.code]).toEqual([404, 'route.not_found']);
  });
});

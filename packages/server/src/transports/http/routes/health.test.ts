import { sqliteBackend } from '@parley/test-kit/backends';
import { useServer } from '@parley/test-kit/server';
import { describe, expect, it } from 'vitest';

describe('operations endpoints', () => {
  const server = useServer(sqliteBackend);

  it('reports health', async () => {
    const res = await server().http('GET', '/healthz');
    expect(res).toMatchObject({ status: 200, body: { status: 'ok', mode: 'development', storage: 'sqlite', nodeId: 0, connections: 0 } });
  });

  it('exposes Prometheus metrics, including sends by reason', async () => {
    const t = server();
    await t.createUsers('h-a', 'h-b');
    await t.http('POST', '/v1/messages', {
      token: await t.token('h-a'),
      body: { channelId: 'h-b', channelType: 1, clientMsgNo: 'h1', payload: { type: 1, content: 'x' } },
    });
    const res = await t.http('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.body).toMatch(/parley_sends_total\{reason="1"\} 1/);
    expect(res.body).toMatch(/parley_commit_batch_size_bucket/);
  });

  it('serves the OpenAPI description generated from the request schemas, and its page', async () => {
    const t = server();
    const spec = (await t.http('GET', '/docs/json')).body;
    expect(spec.openapi).toMatch(/^3\./);
    const send = spec.paths['/v1/messages'].post;
    expect(send.requestBody.content['application/json'].schema.required).toEqual(
      expect.arrayContaining(['channelId', 'channelType', 'clientMsgNo', 'payload']),
    );
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/v1/admin/groups', '/v1/admin/users/{uid}/token', '/v1/dev/login']));
    expect(spec.info.description).toContain('message.send');
    const page = await t.http('GET', '/docs');
    expect([200, 302]).toContain(page.status);
  });

  it('lets anyone log in by uid in development mode, creating the user', async () => {
    const t = server();
    const res = await t.http('POST', '/v1/dev/login', { body: { uid: 'h-new' } });
    expect(res.status).toBe(200);
    expect((await t.server.ctx.tokens.verify(res.body.token)).uid).toBe('h-new');
    expect(await t.storage.users.get('h-new')).toBeDefined();
  });
});

describe('production mode', () => {
  const server = useServer(sqliteBackend, { PARLEY_MODE: 'production', PARLEY_APP_SECRET: 'a-production-secret-of-enough-length-1234' });

  it('has no dev login', async () => {
    const res = await server().http('POST', '/v1/dev/login', { body: { uid: 'intruder' } });
    expect(res).toMatchObject({ status: 403, body: { code: 'auth.dev_login_disabled' } });
    expect(await server().storage.users.get('intruder')).toBeUndefined();
  });
});

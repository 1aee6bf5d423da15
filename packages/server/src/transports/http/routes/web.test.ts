import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sqliteBackend } from '@parley/test-kit/backends';
import { type TestServer, useServer } from '@parley/test-kit/server';
import { afterAll, describe, expect, it } from 'vitest';
import { IMMUTABLE, WEB_CSP } from './web.js';

const INDEX =
  '<!doctype html><html><head><script type="module" src="/assets/x.js"></script></head><body><div id="root"></div></body></html>';
const SCRIPT = 'console.log("parley");\n';
const ADMIN =
  '<!doctype html><html><head><script type="module" src="/assets/admin.js"></script></head><body><div id="root"></div></body></html>';

function tempDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-web-'));
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

/** The paths every mode answers the same, whatever is in the web folder. */
async function expectApiUntouched(t: TestServer): Promise<void> {
  const docs = await fetch(`${t.url}/docs`);
  expect(docs.status).toBe(200);
  expect(await docs.text()).toContain('swagger');
  const spec = (await t.http('GET', '/docs/json')).body;
  expect(spec.paths['/v1/messages']).toBeDefined();
  // Neither the app's files nor the placeholder are API.
  expect(Object.keys(spec.paths).filter((p) => p === '/' || p.startsWith('/*'))).toEqual([]);
  expect(await t.http('GET', '/nope.js')).toMatchObject({
    status: 404,
    body: { code: 'route.not_found', message: 'No endpoint GET /nope.js' },
  });
  expect((await t.http('GET', '/healthz')).body.status).toBe('ok');
}

describe('the built web app at /', () => {
  const dir = tempDir({ 'index.html': INDEX, 'admin.html': ADMIN, 'assets/x.js': SCRIPT, '.env': 'SECRET=1' });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const server = useServer(sqliteBackend, { PARLEY_WEB_DIR: dir, PARLEY_MODE: 'production', PARLEY_APP_SECRET: 'w'.repeat(40) });

  it('serves index.html at / for revalidation, with a CSP for a same-origin app and its WebSocket', async () => {
    const t = server();
    for (const url of ['/', '/index.html']) {
      const res = await fetch(`${t.url}${url}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toBe(WEB_CSP);
      expect(await res.text()).toBe(INDEX);
    }
    expect(WEB_CSP).toContain("script-src 'self'");
    expect(WEB_CSP).toContain("connect-src 'self' ws: wss:");
    expect(WEB_CSP).toContain("img-src 'self' blob: data: https:");
    // As a browser revalidates; without its own cache-control, fetch adds `no-cache` (a forced reload).
    const etag = (await fetch(`${t.url}/`)).headers.get('etag') as string;
    const again = await fetch(`${t.url}/`, { headers: { 'if-none-match': etag, 'cache-control': 'max-age=0' } });
    expect(again.status).toBe(304);
  });

  it('serves hashed assets as immutable, and nothing outside the folder', async () => {
    const t = server();
    const res = await fetch(`${t.url}/assets/x.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe(IMMUTABLE);
    expect(res.headers.get('content-security-policy')).toBeNull();
    expect(await res.text()).toBe(SCRIPT);
    const head = await fetch(`${t.url}/assets/x.js`, { method: 'HEAD' });
    expect([head.status, head.headers.get('cache-control')]).toEqual([200, IMMUTABLE]);
    for (const hidden of ['/.env', '/assets', '/assets/', '/assets/missing.js', '/..%2Fpackage.json', '/assets/..%2F..%2Fetc%2Fpasswd']) {
      const miss = await t.http('GET', hidden);
      expect([hidden, miss.status, miss.body.code]).toEqual([hidden, 404, 'route.not_found']);
    }
  });

  it('serves the admin console at /admin and every path under it (deep links), as the app with its CSP', async () => {
    const t = server();
    for (const url of ['/admin', '/admin/', '/admin/users', '/admin/users/alice%40example.com', '/admin/groups/g1/members']) {
      const res = await fetch(`${t.url}${url}`);
      expect([url, res.status]).toEqual([url, 200]);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toBe(WEB_CSP);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await res.text()).toBe(ADMIN);
    }
    // The chat app stays at /, and the console's page is no API.
    expect(await (await fetch(`${t.url}/`)).text()).toBe(INDEX);
    const spec = (await t.http('GET', '/docs/json')).body;
    expect(Object.keys(spec.paths).filter((p) => p.startsWith('/admin'))).toEqual([]);
    expect((await fetch(`${t.url}/admin`, { method: 'HEAD' })).status).toBe(200);
  });

  it('leaves /docs, the API and the JSON 404 as they were', async () => {
    await expectApiUntouched(server());
  });
});

describe('the web app not built yet', () => {
  const dir = tempDir({});
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const server = useServer(sqliteBackend, { PARLEY_WEB_DIR: dir });

  it('answers / with a page that says how to build it', async () => {
    const res = await fetch(`${server().url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('content-security-policy')).toBe(WEB_CSP);
    const page = await res.text();
    expect(page).toContain('has not been built');
    expect(page).toContain('npm run build:web');
    expect(page).toContain('npm start');
  });

  it('answers /admin with a page that says how to build the console', async () => {
    for (const url of ['/admin', '/admin/config']) {
      const res = await fetch(`${server().url}${url}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-security-policy')).toBe(WEB_CSP);
      const page = await res.text();
      expect(page).toContain('admin console is not built');
      expect(page).toContain('npm run build:web');
    }
  });

  it('leaves /docs, the API and the JSON 404 as they were', async () => {
    const t = server();
    await expectApiUntouched(t);
    expect(await t.http('GET', '/assets/x.js')).toMatchObject({ status: 404, body: { code: 'route.not_found' } });
  });
});

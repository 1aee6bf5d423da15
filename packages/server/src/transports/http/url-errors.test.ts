import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { ErrorCatalogue } from '@parley/protocol';
import { sqliteBackend } from '@parley/test-kit/backends';
import { useServer } from '@parley/test-kit/server';
import { afterAll, describe, expect, it } from 'vitest';

/** Sends the path byte for byte (fetch would normalise `..` and percent-encoding away). */
function rawRequest(url: string, rawPath: string, method = 'GET'): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { path: rawPath, method }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('URLs Fastify and the static handlers refuse', () => {
  const web = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-web-'));
  fs.mkdirSync(path.join(web, 'assets'));
  fs.writeFileSync(path.join(web, 'index.html'), '<!doctype html><title>x</title>');
  fs.writeFileSync(path.join(web, 'assets', 'a.js'), '1');
  afterAll(() => fs.rmSync(web, { recursive: true, force: true }));
  const server = useServer(sqliteBackend, { PARLEY_WEB_DIR: web });

  const long = 'a'.repeat(300);
  const cases: Array<[string, number, string]> = [
    ['/v1/conversations/%FF', 400, 'request.malformed'],
    ['/v1/conversations/%E0%A4%A', 400, 'request.malformed'],
    [`POST /v1/messages/${'1'.repeat(120)}/revoke`, 414, 'request.url_too_long'],
    [`POST /v1/conversations/${'x'.repeat(120)}/messages/remove`, 414, 'request.url_too_long'],
    ['/docs/%00', 404, 'route.not_found'],
    ['/docs/static/%00', 404, 'route.not_found'],
    ['/assets/%00', 404, 'route.not_found'],
    [`/assets/${long}`, 404, 'route.not_found'],
    [`/${long}`, 404, 'route.not_found'],
    [`/docs/static/${long}`, 404, 'route.not_found'],
    ['/assets/../..', 404, 'route.not_found'],
    ['/assets/..%2f..%2fpackage.json', 404, 'route.not_found'],
    ['/%2e%2e/%2e%2e/etc/passwd', 404, 'route.not_found'],
  ];

  it.each(cases)('%s -> %i %s, in the documented shape', async (request, status, code) => {
    const [method, rawPath] = request.startsWith('POST ') ? ['POST', request.slice(5)] : ['GET', request];
    const res = await rawRequest(server().url, rawPath, method);
    expect(res.status).toBe(status);
    expect(Object.keys(res.body).sort()).toEqual(['code', 'message']);
    expect(res.body.code).toBe(code);
    expect(ErrorCatalogue[code as keyof typeof ErrorCatalogue].status).toBe(status);
  });

  it('still serves the app and the API afterwards', async () => {
    expect((await rawRequest(server().url, '/healthz')).body.status).toBe('ok');
    const asset = await fetch(`${server().url}/assets/a.js`);
    expect([asset.status, await asset.text()]).toEqual([200, '1']);
  });
});

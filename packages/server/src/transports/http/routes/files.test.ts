import { sqliteBackend } from '@parley/test-kit/backends';
import { useServer } from '@parley/test-kit/server';
import { describe, expect, it } from 'vitest';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

const upload = (url: string, token: string | undefined, bytes: Buffer, type: string, name = 'pic.png') => {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
  return fetch(`${url}/v1/files`, { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {}, body: form });
};

describe('file uploads', () => {
  const server = useServer(sqliteBackend, { PARLEY_UPLOAD_MAX_BYTES: '4096' });

  it('stores an image, serves it back with caching headers, and an image message can reference it', async () => {
    const t = server();
    await t.createUsers('f-a', 'f-b');
    const token = await t.token('f-a');
    const res = await upload(t.url, token, PNG, 'image/png');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ contentType: 'image/png', size: PNG.length, name: 'pic.png', url: `/v1/files/${body.fileId}` });
    const got = await fetch(`${t.url}${body.url}`);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(got.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(Buffer.from(await got.arrayBuffer())).toEqual(PNG);
    const again = await fetch(`${t.url}${body.url}`, { headers: { 'if-none-match': got.headers.get('etag') as string } });
    expect(again.status).toBe(304);
    const sent = await t.http('POST', '/v1/messages', {
      token,
      body: {
        channelId: 'f-b',
        channelType: 1,
        clientMsgNo: 'img-1',
        payload: { type: 2, url: body.url, width: 1, height: 1, size: body.size },
      },
    });
    expect(sent.body.reasonCode).toBe(1);
  });

  it('refuses oversize files, types a browser could run, anonymous uploads and unknown ids', async () => {
    const t = server();
    const token = await t.token('f-a');
    const big = await upload(t.url, token, Buffer.alloc(5000, 1), 'application/octet-stream', 'big.bin');
    expect([big.status, (await big.json()).code]).toEqual([413, 'file.too_large']);
    const html = await upload(t.url, token, Buffer.from('<script>alert(1)</script>'), 'text/html', 'x.html');
    expect([html.status, (await html.json()).code]).toEqual([415, 'file.type_not_allowed']);
    const anon = await upload(t.url, undefined, PNG, 'image/png');
    expect(anon.status).toBe(401);
    const json = await t.http('POST', '/v1/files', { token, body: { not: 'multipart' } });
    expect(json.status).toBe(415);
    expect((await fetch(`${t.url}/v1/files/${'0'.repeat(32)}`)).status).toBe(404);
    expect((await fetch(`${t.url}/v1/files/..%2F..%2Fetc%2Fpasswd`)).status).toBe(404);
    expect((await t.http('GET', '/healthz')).body.status).toBe('ok');
  });
});

import crypto from 'node:crypto';
import net from 'node:net';
import { CloseCode } from '@parley/protocol';
import { describeEachBackend } from '@parley/test-kit/backends';
import { eventually } from '@parley/test-kit/eventually';
import { clientMsgNo, type TestServer, text, useServer } from '@parley/test-kit/server';
import { TestClient } from '@parley/test-kit/ws-client';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TokenService } from '../../domain/auth/tokens.js';

const pauseReading = (client: TestClient) => (client.ws as unknown as { _socket: { pause(): void } })._socket.pause();

/** A client text frame (masked, as RFC 6455 asks of clients). */
function clientFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const mask = crypto.randomBytes(4);
  const length =
    payload.length < 126 ? Buffer.from([0x80 | payload.length]) : Buffer.from([0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([Buffer.from([0x81]), length, mask, payload.map((b, i) => b ^ (mask[i % 4] as number))]);
}

/**
 * Opens a WebSocket by hand and writes the upgrade request and `frames` in one write, as a client may
 * that sends as soon as it can: the server has them before it has answered anything. Resolves with the
 * text frames the server sends, parsed, once `enough` says so.
 */
function upgradeWithFrames(url: URL, frames: string[], enough: (received: unknown[]) => boolean): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    const received: unknown[] = [];
    let buffer = Buffer.alloc(0);
    let upgraded = false;
    socket.on('error', reject);
    socket.on('connect', () => {
      const head = [
        `GET ${url.pathname}${url.search} HTTP/1.1`,
        `Host: ${url.host}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${crypto.randomBytes(16).toString('base64')}`,
        'Sec-WebSocket-Version: 13',
        '',
        '',
      ].join('\r\n');
      socket.write(Buffer.concat([Buffer.from(head), ...frames.map(clientFrame)]));
    });
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!upgraded) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        if (!buffer.subarray(0, end).toString().startsWith('HTTP/1.1 101')) return reject(new Error(buffer.toString()));
        upgraded = true;
        buffer = buffer.subarray(end + 4);
      }
      // Server frames are unmasked; these are short text frames (7- or 16-bit lengths).
      while (buffer.length >= 2) {
        let length = (buffer[1] as number) & 0x7f;
        let start = 2;
        if (length === 126) {
          if (buffer.length < 4) return;
          length = buffer.readUInt16BE(2);
          start = 4;
        }
        if (buffer.length < start + length) return;
        received.push(JSON.parse(buffer.subarray(start, start + length).toString()));
        buffer = buffer.subarray(start + length);
        if (enough(received)) {
          socket.destroy();
          resolve(received);
          return;
        }
      }
    });
  });
}

await describeEachBackend('WebSocket gateway', (backend) => {
  const server = useServer(backend, {
    PARLEY_AUTH_TIMEOUT_SECONDS: '1',
    PARLEY_WS_MAX_BUFFERED_BYTES: '65536',
    PARLEY_WS_MAX_FRAME_BYTES: '32768',
    PARLEY_SEND_RATE_PER_SEC: '0',
  });
  const anonymous = async (t: TestServer) => TestClient.connect(t.wsUrl);

  it('authenticates with a first auth frame and then serves methods', async () => {
    const t = server();
    await t.createUsers('ws-a', 'ws-b');
    const client = await anonymous(t);
    await expect(client.request('message.send', {})).rejects.toMatchObject({ code: 'auth.required' });
    const result = await client.request('auth', { token: await t.token('ws-a'), deviceId: 'web-1', deviceFlag: 2 });
    expect(result).toMatchObject({ uid: 'ws-a', deviceId: 'web-1', deviceFlag: 2, heartbeatIntervalMs: 30000 });
    // The limits a client checks before sending are the server's configured ones (defaults here).
    expect(result).toMatchObject({ limits: { textMaxChars: 5000, extMaxBytes: 1024, maxPinned: 50, revokeWindowMs: 120_000 } });
    await expect(client.request('auth', { token: await t.token('ws-a') })).rejects.toMatchObject({ code: 'auth.already_authenticated' });
    expect(
      (await client.request('message.send', { channelId: 'ws-b', channelType: 1, clientMsgNo: clientMsgNo(), payload: text('x') }))
        .reasonCode,
    ).toBe(1);
    await client.close();
  });

  it('serves frames that come before the ?token= authentication has answered, after its auth.ok', async () => {
    const t = server();
    await t.createUsers('ws-early', 'ws-b');
    const url = new URL(`${t.wsUrl}?token=${await t.token('ws-early')}&deviceId=early`);
    const send = { channelId: 'ws-b', channelType: 1, clientMsgNo: clientMsgNo(), payload: text('early') };
    const frames = await upgradeWithFrames(
      url,
      [JSON.stringify({ id: 1, method: 'message.send', params: send }), JSON.stringify({ id: 2, method: 'conversation.sync', params: {} })],
      (received) => [1, 2].every((id) => received.some((f) => (f as { id?: number }).id === id)),
    );
    expect(frames[0]).toMatchObject({ event: 'auth.ok', data: { uid: 'ws-early', deviceId: 'early' } });
    // Answers come as each request ends, not in request order, with pushes between them.
    const answer = (id: number) => frames.find((f) => (f as { id?: number }).id === id);
    expect(answer(1)).toMatchObject({ result: { reasonCode: 1 } });
    expect(answer(2)).toMatchObject({ result: { reset: true } });
  });

  it('closes on a forged token (4001), an expired one (4003) and no auth in time (4002)', async () => {
    const t = server();
    const forged = await anonymous(t);
    await expect(forged.request('auth', { token: 'x.y.z' })).rejects.toMatchObject({ code: 'auth.invalid_token' });
    await forged.closed;
    expect(forged.closeCode).toBe(CloseCode.AuthFailed);

    const expiredToken = (await new TokenService(t.config.appSecret, 60).issue('ws-a', -5)).token;
    const expired = await TestClient.connect(`${t.wsUrl}?token=${expiredToken}`).catch(() => undefined);
    await expired?.closed;
    expect(expired?.closeCode).toBe(CloseCode.TokenExpired);
    expect(expired?.errors[0]?.error.code).toBe('auth.token_expired');

    const silent = await anonymous(t);
    await silent.closed;
    expect(silent.closeCode).toBe(CloseCode.AuthTimeout);
  });

  it('answers every malformed frame with the documented error and stores nothing', async () => {
    const t = server();
    const client = await t.connect('ws-a', 'bad-frames');
    const before = await t.rowCounts();
    expect((await client.raw('{not json')).error.code).toBe('request.malformed');
    expect((await client.raw(Buffer.from([1, 2, 3]))).error.code).toBe('request.malformed');
    expect((await client.raw('[1,2]')).error.code).toBe('request.invalid');
    expect((await client.raw('{"method":"ping"}')).error.code).toBe('request.invalid');
    expect((await client.raw('null')).error.code).toBe('request.invalid');
    await expect(client.request('no.such.method', {})).rejects.toMatchObject({ code: 'method.unknown' });
    // Malformed sends the seed's reason table names are refused acks (SPEC §2: sends answer with reason codes).
    const refused = (reasonCode: number, clientMsgNo = '') => ({
      clientMsgNo,
      messageId: '0',
      messageSeq: 0,
      timestamp: expect.any(Number),
      reasonCode,
    });
    expect(await client.request('message.send')).toEqual(refused(21));
    expect(await client.request('message.send', { channelId: 'ws-b', channelType: 9, clientMsgNo: 'x', payload: text('x') })).toEqual(
      refused(23, 'x'),
    );
    expect(await client.request('message.send', { channelId: 'ws-b', channelType: 1, clientMsgNo: '', payload: text('x') })).toEqual(
      refused(21),
    );
    // Others stay request.invalid: here a clientMsgNo that is no string, and one with NUL.
    await expect(
      client.request('message.send', { channelId: 5, channelType: 'one', clientMsgNo: [], payload: 'hi' }),
    ).rejects.toMatchObject({
      code: 'request.invalid',
      message: expect.stringContaining('params/'),
    });
    await expect(
      client.request('message.send', { channelId: 'ws-b', channelType: 1, clientMsgNo: 'nul\u0000', payload: text('x') }),
    ).rejects.toMatchObject({
      code: 'request.invalid',
    });
    expect(await t.rowCounts()).toEqual(before);
    expect(await client.request('ping')).toHaveProperty('pong');
  });

  it('closes a connection that sends a frame over the size limit (1009), and stays up', async () => {
    const t = server();
    const client = await t.connect('ws-a', 'huge');
    client.ws.send(JSON.stringify({ id: 1, method: 'ping', params: { pad: 'x'.repeat(40_000) } }));
    await client.closed;
    expect(client.closeCode).toBe(1009);
    expect((await t.http('GET', '/healthz')).body.status).toBe('ok');
  });

  it('closes a consumer that cannot keep up instead of buffering without bound', async () => {
    const t = server();
    await t.createUsers('ws-slow', 'ws-fast');
    const slow = await t.connect('ws-slow', 'slow');
    const sender = await t.connect('ws-fast', 'sender');
    pauseReading(slow);
    const big = { type: 1000, blob: 'z'.repeat(15_000) };
    for (let n = 0; n < 3000 && t.server.ctx.router.localConnections('ws-slow').size > 0; n++) {
      await sender.request('message.send', { channelId: 'ws-slow', channelType: 1, clientMsgNo: clientMsgNo(), payload: big });
    }
    await eventually(() => t.server.ctx.router.localConnections('ws-slow').size === 0);
    const metrics = (await t.http('GET', '/metrics')).body as string;
    expect(metrics).toMatch(/parley_ws_closed_total\{reason="slow_consumer"\} [1-9]/);
    expect(await sender.request('ping')).toHaveProperty('pong');
  });

  it('refuses upgrades on other paths', async () => {
    const t = server();
    const ws = new WebSocket(`${t.url.replace('http', 'ws')}/elsewhere`);
    const status = await new Promise<number | undefined>((resolve) =>
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode)).on('error', () => resolve(undefined)),
    );
    expect(status).toBe(404);
  });

  describe('with a 1 s heartbeat', () => {
    const idleServer = useServer(backend, { PARLEY_HEARTBEAT_SECONDS: '1' });

    it('drops a connection that stops answering heartbeats', async () => {
      const t = idleServer();
      await t.createUsers('ws-idle');
      const client = await t.connect('ws-idle', 'idle');
      pauseReading(client);
      await eventually(() => t.server.ctx.router.localConnections('ws-idle').size === 0);
    });
  });
});

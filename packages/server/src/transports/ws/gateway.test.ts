import { CloseCode } from '@parley/protocol';
import { describeEachBackend } from '@parley/test-kit/backends';
import { eventually } from '@parley/test-kit/eventually';
import { clientMsgNo, type TestServer, text, useServer } from '@parley/test-kit/server';
import { TestClient } from '@parley/test-kit/ws-client';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TokenService } from '../../domain/auth/tokens.js';

const pauseReading = (client: TestClient) => (client.ws as unknown as { _socket: { pause(): void } })._socket.pause();

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

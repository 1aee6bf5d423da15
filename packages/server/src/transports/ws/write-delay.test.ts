import { CloseCode } from '@parley/protocol';
import { sqliteBackend } from '@parley/test-kit/backends';
import { clientMsgNo, text, useServer } from '@parley/test-kit/server';
import { TestClient } from '@parley/test-kit/ws-client';
import { describe, expect, it } from 'vitest';

/** The gateway's socket writes so far and the frames they carried, from /metrics. */
async function written(t: { http(method: string, path: string): Promise<{ body: unknown }> }) {
  const text = (await t.http('GET', '/metrics')).body as string;
  const total = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1]);
  return { writes: total('parley_ws_writes_total'), frames: total('parley_ws_frames_written_total') };
}

/**
 * With PARLEY_WS_WRITE_DELAY_MS, frames wait to share a write: what a client receives must not
 * change, only when. (The framing itself is checked against ws's parser in text-frame.unit.test.ts.)
 */
describe('WebSocket writes delayed to share a syscall', () => {
  const server = useServer(sqliteBackend, { PARLEY_WS_WRITE_DELAY_MS: '25', PARLEY_SEND_RATE_PER_SEC: '0' });

  it('acks and delivers every frame once, in order, across many writes', async () => {
    const t = server();
    await t.createUsers('wd-a', 'wd-b', 'wd-c');
    await t.adminOk('POST', '/groups', { groupId: 'wd-g', channelType: 2, ownerUid: 'wd-a', members: ['wd-b', 'wd-c'] });
    const a = await t.connect('wd-a', 'a');
    const b = await t.connect('wd-b', 'b');
    const c = await t.connect('wd-c', 'c');
    let received = 0;
    for (const client of [a, b, c]) client.ws.on('message', () => received++);
    const before = await written(t);
    const sends = Array.from({ length: 60 }, (_, i) =>
      a.request('message.send', {
        channelId: i % 2 ? 'wd-g' : 'wd-b',
        channelType: i % 2 ? 2 : 1,
        clientMsgNo: clientMsgNo(),
        // Long enough that some frames take the 16-bit length form.
        payload: text(`${i} ${'x'.repeat(i * 7)}`),
      }),
    );
    const acks = await Promise.all(sends);
    expect(acks.every((ack) => ack.reasonCode === 1)).toBe(true);
    const texts = (client: TestClient, channelType: number) =>
      client
        .eventsOf('message.new')
        .filter((m) => m.channelType === channelType)
        .map((m) => m.payload.content.split(' ')[0]);
    await b.until(() => b.eventsOf('message.new').length === 60);
    await c.until(() => c.eventsOf('message.new').length === 30);
    const odd = Array.from({ length: 30 }, (_, i) => String(2 * i + 1));
    const even = Array.from({ length: 30 }, (_, i) => String(2 * i));
    expect(texts(b, 1)).toEqual(even);
    expect(texts(b, 2)).toEqual(odd);
    expect(texts(c, 2)).toEqual(odd);
    // The write counters saw every frame the clients got, in fewer writes than frames.
    let after = await written(t);
    for (let tries = 0; after.frames - before.frames !== received && tries < 50; tries++) {
      await new Promise((r) => setTimeout(r, 50));
      after = await written(t);
    }
    expect(after.frames - before.frames).toBe(received);
    expect(after.writes - before.writes).toBeGreaterThan(0);
    expect(after.writes - before.writes).toBeLessThan(received);
    for (const client of [a, b, c]) await client.close();
  });

  it('sends what was queued before a close ahead of the close', async () => {
    const t = server();
    const forged = await TestClient.connect(t.wsUrl);
    await expect(forged.request('auth', { token: 'x.y.z' })).rejects.toMatchObject({ code: 'auth.invalid_token' });
    await forged.closed;
    expect(forged.closeCode).toBe(CloseCode.AuthFailed);
  });
});

describe('WebSocket pushes delayed, replies not', () => {
  // The longest delay the config takes: a push that came at the turn's end would be seen at once.
  const server = useServer(sqliteBackend, { PARLEY_WS_WRITE_DELAY_MS: '1000', PARLEY_SEND_RATE_PER_SEC: '0' });

  it('answers a request at the end of its turn, with the pushes waiting on that socket ahead of the reply', async () => {
    const t = server();
    await t.createUsers('wr-a', 'wr-b');
    const a = await t.connect('wr-a', 'a');
    const b = await t.connect('wr-b', 'b');
    const ack = await a.request('message.send', { channelId: 'wr-b', channelType: 1, clientMsgNo: clientMsgNo(), payload: text('first') });
    expect(ack.reasonCode).toBe(1);
    // The ack did not wait the second that b's push waits.
    expect(b.eventsOf('message.new')).toHaveLength(0);
    // b's push waits on b's socket: b's own request takes it along, ahead of the reply.
    const arrived: string[] = [];
    b.ws.on('message', (data: Buffer) => arrived.push(data.toString().startsWith('{"id":') ? 'reply' : 'push'));
    await b.request('conversation.list', { limit: 10 });
    expect(b.eventsOf('message.new').map((m) => m.payload.content)).toEqual(['first']);
    expect(arrived.at(-1)).toBe('reply');
    expect(arrived.filter((kind) => kind === 'push').length).toBeGreaterThan(0);
    for (const client of [a, b]) await client.close();
  });
});

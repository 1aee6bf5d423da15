import { describeEachBackend } from '@parley/test-kit/backends';
import { clientMsgNo, useServer } from '@parley/test-kit/server';
import { expect, it } from 'vitest';
import { RawWkClient } from '../../test-support/wukongim-raw-client.js';
import { encodeFrame, type Frame, headerOf, PacketType } from './codec/framing.js';
import { recvSignString, type SessionCipher } from './crypto.js';
import { decodeDisconnect } from './packets/disconnect.js';
import { decodeRecv } from './packets/recv.js';
import { decodeSendack } from './packets/sendack.js';

await describeEachBackend('WuKongIM gateway (raw packets)', (backend) => {
  const server = useServer(backend, { PARLEY_SEND_RATE_PER_SEC: '0', PARLEY_AUTH_TIMEOUT_SECONDS: '2' });

  const connected = async (uid: string) => {
    const t = server();
    await t.ensureUsers(uid);
    const c = await RawWkClient.open(t.url);
    expect((await c.connect(uid, await t.token(uid))).reasonCode).toBe(1);
    return c;
  };

  it('answers PING with a one-byte PONG and never sends the client a PING', async () => {
    const c = await connected('rw-ping');
    c.sendRaw(Buffer.from([0x70]));
    await c.next(PacketType.Pong);
    expect(c.messages.map((m) => m.toString('hex')).at(-1)).toBe('80');
    expect(c.frames.filter((f) => f.type === PacketType.Ping || f.type === -1)).toEqual([]);
    c.close();
  });

  it('speaks versions 2 to 5 and refuses others with CONNACK reason 27, then closes', async () => {
    const t = server();
    await t.ensureUsers('rw-ver');
    for (const version of [3, 4, 5]) {
      const c = await RawWkClient.open(t.url);
      expect((await c.connect('rw-ver', await t.token('rw-ver'), version)).reasonCode).toBe(1);
      c.close();
    }
    for (const version of [0, 1, 6, 255]) {
      const c = await RawWkClient.open(t.url);
      expect((await c.connect('rw-ver', await t.token('rw-ver'), version)).reasonCode, `version ${version}`).toBe(27);
      await c.closed;
    }
  });

  it('closes a connection whose SEND has a wrong msgKey (DISCONNECT 8) or does not decrypt (DISCONNECT 9); nothing is stored, others carry on', async () => {
    await server().ensureUsers('rw-peer');
    const bystander = await connected('rw-key-bystander');
    const before = await server().rowCounts();
    const cases = [
      { reasonCode: 8, send: (c: RawWkClient) => c.send({ type: 1, content: 'x' }, 'rw-peer', 1, clientMsgNo(), '0'.repeat(32)) },
      // A right msgKey over text that is no AES ciphertext (3 bytes), then over whole blocks that do not unpad.
      { reasonCode: 9, send: (c: RawWkClient) => c.sendCiphertext('AAAA', 'rw-peer', 1, clientMsgNo()) },
      { reasonCode: 9, send: (c: RawWkClient) => c.sendCiphertext(Buffer.alloc(32, 7).toString('base64'), 'rw-peer', 1, clientMsgNo()) },
    ];
    for (const { reasonCode, send } of cases) {
      const c = await connected('rw-key');
      send(c);
      // A good SEND right behind the bad one is not read: the connection is done.
      c.send({ type: 1, content: 'after' }, 'rw-peer', 1, clientMsgNo());
      expect(decodeDisconnect((await c.next(PacketType.Disconnect)).body).reasonCode).toBe(reasonCode);
      await c.closed;
      expect(c.closeCode).toBe(1002);
      expect(c.of(PacketType.Sendack)).toEqual([]);
    }
    expect((await server().rowCounts()).messages).toBe(before.messages);
    bystander.send({ type: 1, content: 'y' }, 'rw-peer', 1, clientMsgNo());
    expect(decodeSendack((await bystander.next(PacketType.Sendack)).body).reasonCode).toBe(1);
    bystander.close();
  });

  /** A RECV as the SDK checks it: its msgKey over the fields and the encrypted payload, then the payload decrypted. */
  const openRecv = (c: RawWkClient, f: Frame) => {
    const cipher = c.cipher as SessionCipher;
    const p = decodeRecv(f.body, 2);
    const payload = p.payload.toString('ascii');
    expect(p.msgKey).toBe(cipher.msgKey(recvSignString({ ...p, payload })));
    return { ...p, header: headerOf(f.flags), content: JSON.parse(cipher.decrypt(payload).toString('utf8')) };
  };

  it("sends a CMD RECV (type 99) for a group message's edit and revoke, one packet each, stored nowhere; a reaction sends none", async () => {
    const t = server();
    await t.ensureUsers('rw-cmd-owner');
    const c = await connected('rw-cmd');
    await t.adminOk('POST', '/groups', {
      groupId: 'rw-cmd-g',
      channelType: 2,
      ownerUid: 'rw-cmd-owner',
      members: ['rw-cmd-owner', 'rw-cmd'],
    });
    const owner = await t.token('rw-cmd-owner');
    const send = async (content: string) =>
      (
        await t.http('POST', '/v1/messages', {
          token: owner,
          body: { channelId: 'rw-cmd-g', channelType: 2, clientMsgNo: clientMsgNo(), payload: { type: 1, content } },
        })
      ).body.messageId as string;
    const first = await send('first');
    expect(openRecv(c, await c.next(PacketType.Recv)).content).toEqual({ type: 1, content: 'first' });

    expect(
      (await t.http('PATCH', `/v1/messages/${first}`, { token: owner, body: { payload: { type: 1, content: 'first, edited' } } })).status,
    ).toBe(200);
    const edit = openRecv(c, await c.next(PacketType.Recv));
    expect(edit).toMatchObject({
      header: { redDot: false, noPersist: true, syncOnce: false, dup: false },
      setting: 0,
      fromUid: 'rw-cmd-owner',
      channelId: 'rw-cmd-g',
      channelType: 2,
      messageId: '0',
      messageSeq: 0,
      content: {
        type: 99,
        cmd: 'syncMessageExtra',
        param: { channel_id: 'rw-cmd-g', channel_type: 2, message_id: first, message_seq: 1, extra_version: expect.any(Number) },
      },
    });
    expect(edit.clientMsgNo).toBe(`syncMessageExtra-${first}-${edit.content.param.extra_version}`);

    // A reaction on a message never revoked or edited has no CMD: the next RECV is the second message's.
    const second = await send('second');
    expect((await t.http('PUT', `/v1/messages/${second}/reactions/${encodeURIComponent('👍')}`, { token: owner })).status).toBe(200);
    expect((await t.http('POST', `/v1/messages/${first}/revoke`, { token: owner })).status).toBe(200);
    expect(openRecv(c, await c.next(PacketType.Recv)).content).toEqual({ type: 1, content: 'second' });
    const revoke = openRecv(c, await c.next(PacketType.Recv));
    expect(revoke.content).toMatchObject({ type: 99, cmd: 'messageRevoke', param: { message_id: first, message_seq: 1 } });
    expect(revoke.content.param.extra_version).toBeGreaterThanOrEqual(edit.content.param.extra_version);
    // Every packet in a WebSocket message of its own: CONNACK and four RECVs, each a whole packet.
    expect(c.messages).toHaveLength(5);
    expect(c.frames.filter((f) => f.type === -1)).toEqual([]);

    // Nothing was stored for the CMDs: the group still has its two messages, one of them unread.
    const history = await t.http('GET', `/v1/conversations/${encodeURIComponent('team|rw-cmd-g')}/messages`, {
      token: await t.token('rw-cmd'),
    });
    expect(history.body.messages.map((m: { messageSeq: number }) => m.messageSeq)).toEqual([1, 2]);
    const list = await t.http('GET', '/v1/conversations', { token: await t.token('rw-cmd') });
    expect(list.body.conversations).toMatchObject([{ conversationId: 'team|rw-cmd-g', lastMsgSeq: 2, unreadCount: 1 }]);
    c.close();
  });

  it('answers a resent clientMsgNo with the first ack and stores it once (the SDK resends after a reconnect)', async () => {
    await server().ensureUsers('rw-peer');
    const no = clientMsgNo();
    const first = await connected('rw-dup');
    first.send({ type: 1, content: 'once' }, 'rw-peer', 1, no);
    const a = decodeSendack((await first.next(PacketType.Sendack)).body);
    first.close();
    const before = await server().rowCounts();
    const again = await connected('rw-dup');
    again.send({ type: 1, content: 'once' }, 'rw-peer', 1, no);
    const b = decodeSendack((await again.next(PacketType.Sendack)).body);
    expect(b).toEqual({ ...a, clientSeq: 1 });
    expect((await server().rowCounts()).messages).toBe(before.messages);
    again.close();
  });

  it('refuses sends with the same reason codes as the JSON gateway', async () => {
    const c = await connected('rw-reasons');
    c.send({ type: 1, content: 'x' }, 'rw-nobody', 1, clientMsgNo());
    expect(decodeSendack((await c.next(PacketType.Sendack)).body).reasonCode).toBe(5); // channelNotExist
    c.send({ type: 1, content: 'x' }, 'rw-no-group', 2, clientMsgNo());
    expect(decodeSendack((await c.next(PacketType.Sendack)).body).reasonCode).toBe(5);
    c.send({ type: 1, content: 'x' }, 'rw-peer', 9, clientMsgNo());
    expect(decodeSendack((await c.next(PacketType.Sendack)).body).reasonCode).toBe(23); // notSupportChannelType
    c.send('not an object', 'rw-peer', 1, clientMsgNo());
    expect(decodeSendack((await c.next(PacketType.Sendack)).body).reasonCode).toBe(9); // payloadDecodeError
    c.close();
  });

  it('closes a connection on a malformed packet, an unknown type or a packet before CONNECT; others carry on', async () => {
    const t = server();
    const bystander = await connected('rw-bystander');
    for (const bad of ['c0', '3205', 'ffffffffff', '1000']) {
      const c = await connected('rw-bad');
      c.sendRaw(Buffer.from(bad, 'hex'));
      await c.closed;
      expect(c.closeCode, bad).toBe(1002);
    }
    const early = await RawWkClient.open(t.url);
    early.sendRaw(encodeFrame(PacketType.Send, 0, Buffer.from('00', 'hex')));
    await early.closed;
    expect(early.closeCode).toBe(1002);
    const text = await RawWkClient.open(t.url);
    text.ws.send('hello');
    await text.closed;
    expect(text.closeCode).toBe(1002);
    bystander.sendRaw(Buffer.from([0x70]));
    await bystander.next(PacketType.Pong);
    bystander.close();
  });

  it('closes a connection that sends no CONNECT in time', async () => {
    const c = await RawWkClient.open(server().url);
    await c.closed;
    expect(c.closeCode).toBe(4002);
  });

  it('a kick through the admin API sends DISCONNECT reason 12, then closes', async () => {
    const c = await connected('rw-kick');
    await server().adminOk('POST', '/users/rw-kick/kick', {});
    const disconnect = decodeDisconnect((await c.next(PacketType.Disconnect)).body);
    expect(disconnect.reasonCode).toBe(12);
    await c.closed;
  });
});

await describeEachBackend('WuKongIM gateway on a port of its own (PARLEY_WUKONGIM_PORT)', (backend) => {
  const server = useServer(backend, { PARLEY_WUKONGIM_PORT: '0' });

  it('serves the protocol on any path of that port, and still at /v1/wukongim on the main one', async () => {
    const t = server();
    await t.ensureUsers('rw-port');
    const port = t.server.wukongimPort as number;
    expect(port).toBeGreaterThan(0);
    expect(port).not.toBe(t.server.port);
    for (const url of [`ws://127.0.0.1:${port}`, `ws://127.0.0.1:${port}/any/path`, undefined]) {
      const c = await RawWkClient.open(t.url, url);
      expect((await c.connect('rw-port', await t.token('rw-port'))).reasonCode, url).toBe(1);
      c.sendRaw(Buffer.from([0x70]));
      await c.next(PacketType.Pong);
      c.close();
    }
    expect((await fetch(`http://127.0.0.1:${port}/v1/health`)).status).toBe(404);
  });
});

await describeEachBackend('WuKongIM gateway with one device per flag (PARLEY_SINGLE_DEVICE_FLAGS)', (backend) => {
  const server = useServer(backend, { PARLEY_SINGLE_DEVICE_FLAGS: '2' });

  it('a second web login replaces the first: DISCONNECT reason 12, as WuKongIM kicks a second master device', async () => {
    const t = server();
    await t.ensureUsers('rw-single');
    const first = await RawWkClient.open(t.url);
    expect((await first.connect('rw-single', await t.token('rw-single'))).reasonCode).toBe(1);
    const second = await RawWkClient.open(t.url);
    expect((await second.connect('rw-single', await t.token('rw-single'))).reasonCode).toBe(1);
    expect(decodeDisconnect((await first.next(PacketType.Disconnect)).body).reasonCode).toBe(12);
    await first.closed;
    second.sendRaw(Buffer.from([0x70]));
    await second.next(PacketType.Pong);
    second.close();
  });
});

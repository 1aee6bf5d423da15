import { ReasonCode } from '@parley/protocol';
import { describeEachBackend } from '@parley/test-kit/backends';
import { clientMsgNo, text, useServer } from '@parley/test-kit/server';
import { describe, expect, it } from 'vitest';

await describeEachBackend('send refusals, each with its reason code, storing nothing', (backend) => {
  const server = useServer(backend, { PARLEY_TEXT_MAX_CHARS: '100' });

  const setup = async () => {
    const t = server();
    if (await t.storage.users.get('r-owner')) return t;
    await t.createUsers('r-owner', 'r-admin', 'r-m1', 'r-m2', 'r-out', 'r-peer', 'r-blocked', 'r-wl');
    await t.adminOk('POST', '/groups', {
      groupId: 'rg',
      channelType: 2,
      ownerUid: 'r-owner',
      members: ['r-admin', 'r-m1', 'r-m2', 'r-wl'],
    });
    await t.adminOk('PUT', '/groups/rg/admins', { uids: ['r-admin'], isAdmin: true });
    return t;
  };

  /** Sends over the WebSocket and proves nothing was stored when refused. */
  const send = async (uid: string, params: Record<string, unknown>) => {
    const t = await setup();
    const client = await t.connect(uid, `dev-${clientMsgNo()}`);
    const before = await t.rowCounts();
    const ack = await client.request('message.send', { clientMsgNo: clientMsgNo(), ...params });
    if (ack.reasonCode !== ReasonCode.ReasonSuccess) expect(await t.rowCounts()).toEqual(before);
    await client.close();
    return ack.reasonCode as number;
  };
  const toGroup = { channelId: 'rg', channelType: 2, payload: text('hi') };

  it('3 ReasonSubscriberNotExist: a non-member posts to a group', async () => {
    expect(await send('r-out', toGroup)).toBe(ReasonCode.ReasonSubscriberNotExist);
  });

  it('4 ReasonInBlacklist: the peer has blocked the sender; unblocking lets it through', async () => {
    const t = await setup();
    await t.adminOk('POST', '/users/r-peer/blacklist', { uids: ['r-blocked'] });
    expect(await send('r-blocked', { channelId: 'r-peer', channelType: 1, payload: text('hello?') })).toBe(ReasonCode.ReasonInBlacklist);
    expect(await send('r-peer', { channelId: 'r-blocked', channelType: 1, payload: text('I can still write') })).toBe(
      ReasonCode.ReasonSuccess,
    );
    await t.adminOk('POST', '/users/r-peer/blacklist/remove', { uids: ['r-blocked'] });
    expect(await send('r-blocked', { channelId: 'r-peer', channelType: 1, payload: text('hello') })).toBe(ReasonCode.ReasonSuccess);
  });

  it('5 ReasonChannelNotExist: no such group, no such peer (ids are case-sensitive)', async () => {
    expect(await send('r-m1', { channelId: 'nogroup', channelType: 2, payload: text('x') })).toBe(ReasonCode.ReasonChannelNotExist);
    expect(await send('r-m1', { channelId: 'R-PEER', channelType: 1, payload: text('x') })).toBe(ReasonCode.ReasonChannelNotExist);
  });

  it('9 ReasonPayloadDecodeError: text too long, wrong shape, unknown type, oversize custom', async () => {
    const to = { channelId: 'r-peer', channelType: 1 };
    expect(await send('r-m1', { ...to, payload: text('x'.repeat(101)) })).toBe(ReasonCode.ReasonPayloadDecodeError);
    expect(await send('r-m1', { ...to, payload: { type: 1, content: 42 } })).toBe(ReasonCode.ReasonPayloadDecodeError);
    expect(await send('r-m1', { ...to, payload: { type: 2, url: 'http://x/p.png' } })).toBe(ReasonCode.ReasonPayloadDecodeError);
    expect(await send('r-m1', { ...to, payload: { type: 77 } })).toBe(ReasonCode.ReasonPayloadDecodeError);
    expect(await send('r-m2', { ...to, payload: { type: 1000, blob: 'y'.repeat(17 * 1024) } })).toBe(ReasonCode.ReasonPayloadDecodeError);
    expect(await send('r-m2', { ...to, payload: { type: 2, url: 'http://x/p.png', width: 10, height: 20 } })).toBe(
      ReasonCode.ReasonSuccess,
    );
  });

  it('11 ReasonNotAllowSend: a user posts to a system channel', async () => {
    expect(await send('r-m1', { channelId: 'r-m1', channelType: 4, payload: text('x') })).toBe(ReasonCode.ReasonNotAllowSend);
  });

  it('13 ReasonNotInWhitelist: a whitelist is set and the member is not on it; owner and admins are exempt', async () => {
    const t = await setup();
    await t.adminOk('PUT', '/groups/rg/whitelist', { uids: ['r-wl'] });
    expect(await send('r-m1', toGroup)).toBe(ReasonCode.ReasonNotInWhitelist);
    expect(await send('r-wl', toGroup)).toBe(ReasonCode.ReasonSuccess);
    expect(await send('r-admin', toGroup)).toBe(ReasonCode.ReasonSuccess);
    await t.adminOk('PUT', '/groups/rg/whitelist', { uids: [] });
    expect(await send('r-m1', toGroup)).toBe(ReasonCode.ReasonSuccess);
  });

  it('16 ReasonChannelIDError: a channel id that breaks the id rule', async () => {
    expect(await send('r-m1', { channelId: 'has space', channelType: 1, payload: text('x') })).toBe(ReasonCode.ReasonChannelIDError);
  });

  it('19 ReasonBan: the group is banned', async () => {
    const t = await setup();
    await t.adminOk('PATCH', '/groups/rg', { banned: true });
    expect(await send('r-owner', toGroup)).toBe(ReasonCode.ReasonBan);
    await t.adminOk('PATCH', '/groups/rg', { banned: false });
  });

  it('25 ReasonSendBan: a muted member, and everyone but owner/admins under mute-all', async () => {
    const t = await setup();
    await t.adminOk('PUT', '/groups/rg/members/r-m1/mute', { muted: true, durationSeconds: 600 });
    expect(await send('r-m1', toGroup)).toBe(ReasonCode.ReasonSendBan);
    await t.adminOk('PUT', '/groups/rg/members/r-m1/mute', { muted: false });
    await t.adminOk('PUT', '/groups/rg/mute', { muteAll: true });
    expect(await send('r-m2', toGroup)).toBe(ReasonCode.ReasonSendBan);
    expect(await send('r-admin', toGroup)).toBe(ReasonCode.ReasonSuccess);
    await t.adminOk('PUT', '/groups/rg/mute', { muteAll: false });
    expect(await send('r-m2', toGroup)).toBe(ReasonCode.ReasonSuccess);
  });

  it('24 ReasonDisband: the group was dismissed; REST answers message.refused with the same reason', async () => {
    const t = await setup();
    await t.createUsers('d-owner');
    await t.adminOk('POST', '/groups', { groupId: 'dg', channelType: 3, ownerUid: 'd-owner' });
    await t.adminOk('DELETE', '/groups/dg');
    expect(await send('d-owner', { channelId: 'dg', channelType: 3, payload: text('anyone?') })).toBe(ReasonCode.ReasonDisband);
    const res = await t.http('POST', '/v1/messages', {
      token: await t.token('d-owner'),
      body: { channelId: 'dg', channelType: 3, clientMsgNo: clientMsgNo(), payload: text('x') },
    });
    expect(res.status).toBe(410);
    expect(res.body).toMatchObject({ code: 'message.refused', details: { reasonCode: 24, reason: 'ReasonDisband' } });
  });

  describe('with a limit of 5 per second, burst 5', () => {
    const limited = useServer(backend, { PARLEY_SEND_RATE_PER_SEC: '5', PARLEY_SEND_BURST: '5' });

    it('22 ReasonRateLimit: a burst over the limit is refused, the rest stored', async () => {
      const t = limited();
      await t.createUsers('rl-a', 'rl-b');
      const client = await t.connect('rl-a');
      const acks = await Promise.all(
        Array.from({ length: 12 }, () =>
          client.request('message.send', { channelId: 'rl-b', channelType: 1, clientMsgNo: clientMsgNo(), payload: text('spam') }),
        ),
      );
      const codes = acks.map((a) => a.reasonCode);
      const stored = codes.filter((c) => c === ReasonCode.ReasonSuccess).length;
      expect(stored).toBeGreaterThanOrEqual(5);
      expect(codes).toContain(ReasonCode.ReasonRateLimit);
      expect(await t.storage.messages.count({ channelType: 1, channelId: 'rl-a|rl-b' })).toBe(stored);
    });
  });
});

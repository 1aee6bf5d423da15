import { CloseCode, EventName } from '@parley/protocol';
import { describeEachBackend } from '@parley/test-kit/backends';
import { type TestServer, useServer } from '@parley/test-kit/server';
import { TestClient } from '@parley/test-kit/ws-client';
import { expect, it } from 'vitest';

/** A device signed in with the `auth` frame, which (unlike the test kit's query login) sets any flag. */
async function device(t: TestServer, token: string, deviceId: string, deviceFlag: number): Promise<TestClient> {
  const client = await TestClient.connect(t.wsUrl);
  await client.request('auth', { token, deviceId, deviceFlag });
  return client;
}

await describeEachBackend('user sessions', (backend) => {
  const server = useServer(backend, { PARLEY_SINGLE_DEVICE_FLAGS: '1,3' });

  it('a new login with a single-device flag replaces the older one; other flags keep any number', async () => {
    const t = server();
    await t.ensureUsers('ss-a');
    const token = await t.token('ss-a');
    const oldPhone = await device(t, token, 'phone-old', 1);
    const web1 = await device(t, token, 'web-1', 2);
    const web2 = await device(t, token, 'web-2', 2);
    const newPhone = await device(t, token, 'phone-new', 1);
    await oldPhone.closed;
    expect(oldPhone.closeCode).toBe(CloseCode.Replaced);
    expect(oldPhone.eventsOf(EventName.SessionKicked)).toEqual([{ reason: 'replaced', deviceId: 'phone-old', deviceFlag: 1 }]);
    for (const still of [newPhone, web1, web2]) expect(await still.request('ping')).toMatchObject({ pong: expect.any(Number) });
    const online = await t.adminOk('POST', '/users/online', { uids: ['ss-a'] });
    expect(online.users[0].devices.map((d: { deviceId: string }) => d.deviceId).sort()).toEqual(['phone-new', 'web-1', 'web-2']);
    for (const c of [newPhone, web1, web2]) await c.close();
  });

  it('the admin API signs out one device or all of them; their tokens stay good', async () => {
    const t = server();
    await t.ensureUsers('ss-b');
    const token = await t.token('ss-b');
    const one = await device(t, token, 'b-1', 2);
    const two = await device(t, token, 'b-2', 2);
    expect(await t.adminOk('POST', '/users/ss-b/kick', { deviceId: 'b-1' })).toEqual({ uid: 'ss-b', deviceId: 'b-1' });
    await one.closed;
    expect(one.closeCode).toBe(CloseCode.Kicked);
    expect(one.eventsOf(EventName.SessionKicked)).toEqual([{ reason: 'kicked', deviceId: 'b-1', deviceFlag: 2 }]);
    expect(await two.request('ping')).toMatchObject({ pong: expect.any(Number) });
    expect(await t.adminOk('POST', '/users/ss-b/kick', {})).toEqual({ uid: 'ss-b' });
    await two.closed;
    expect(two.closeCode).toBe(CloseCode.Kicked);
    const again = await device(t, token, 'b-1', 2);
    expect(await again.request('ping')).toMatchObject({ pong: expect.any(Number) });
    await again.close();
    expect((await t.admin('POST', '/users/ss-nobody/kick', {})).status).toBe(404);
  });

  it('revoking tokens closes every connection and refuses every token issued before, not after', async () => {
    const t = server();
    await t.ensureUsers('ss-c');
    const old = await t.token('ss-c');
    const client = await device(t, old, 'c-1', 2);
    const revoked = await t.adminOk('POST', '/users/ss-c/tokens/revoke');
    expect(revoked).toEqual({ uid: 'ss-c', revokedAt: expect.any(Number) });
    await client.closed;
    expect(client.closeCode).toBe(CloseCode.Kicked);
    expect(client.eventsOf(EventName.SessionKicked)).toEqual([{ reason: 'tokens_revoked', deviceId: 'c-1', deviceFlag: 2 }]);
    await expect(device(t, old, 'c-1', 2)).rejects.toMatchObject({ code: 'auth.invalid_token' });
    expect((await t.http('GET', '/v1/conversations', { token: old })).status).toBe(401);
    // A token issued after the revocation works (tokens carry their issue time in ms).
    while (Date.now() <= revoked.revokedAt) await new Promise((r) => setTimeout(r, 1));
    const fresh = await device(t, await t.token('ss-c'), 'c-1', 2);
    expect(await fresh.request('ping')).toMatchObject({ pong: expect.any(Number) });
    await fresh.close();
    expect((await t.admin('POST', '/users/ss-nobody/tokens/revoke')).status).toBe(404);
  });
});

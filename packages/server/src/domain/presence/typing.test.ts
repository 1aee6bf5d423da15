import { EventName } from '@parley/protocol';
import { describeEachBackend } from '@parley/test-kit/backends';
import { useServer } from '@parley/test-kit/server';
import { expect, it } from 'vitest';

await describeEachBackend('typing', (backend) => {
  // A long interval: a repeat within the test is always inside it, whatever the machine's speed.
  const server = useServer(backend, { PARLEY_TYPING_INTERVAL_SECONDS: '60', PARLEY_TYPING_MAX_MEMBERS: '3' });

  it('tells the peer of a 1:1 chat, as the peer names it, at most once per interval, and stop clears it', async () => {
    const t = server();
    await t.ensureUsers('ty-a', 'ty-b');
    const a = await t.connect('ty-a', 'a');
    const b = await t.connect('ty-b', 'b');
    expect(await a.request('typing.start', { channelId: 'ty-b', channelType: 1 })).toEqual({ forwarded: true });
    expect(await a.request('typing.start', { channelId: 'ty-b', channelType: 1 })).toEqual({ forwarded: false });
    expect(await a.request('typing.stop', { channelId: 'ty-b', channelType: 1 })).toEqual({ forwarded: true });
    // Nothing to clear any more: a second stop tells nobody.
    expect(await a.request('typing.stop', { channelId: 'ty-b', channelType: 1 })).toEqual({ forwarded: false });
    await b.until(() => b.eventsOf(EventName.Typing).length === 2);
    expect(b.eventsOf(EventName.Typing)).toEqual([
      { channelId: 'ty-a', channelType: 1, uid: 'ty-a', expiresInMs: 6000 },
      { channelId: 'ty-a', channelType: 1, uid: 'ty-a', expiresInMs: 0 },
    ]);
    // The typer's own devices are not told.
    expect(a.eventsOf(EventName.Typing)).toEqual([]);
  });

  it('tells the other members of a group, and nobody outside it, nor in a group over the size limit', async () => {
    const t = server();
    await t.ensureUsers('ty-c', 'ty-d', 'ty-e', 'ty-f', 'ty-x');
    await t.adminOk('POST', '/groups', { groupId: 'ty-small', channelType: 2, ownerUid: 'ty-c', members: ['ty-d', 'ty-e'] });
    await t.adminOk('POST', '/groups', { groupId: 'ty-big', channelType: 3, ownerUid: 'ty-c', members: ['ty-d', 'ty-e', 'ty-f'] });
    const c = await t.connect('ty-c', 'c');
    const d = await t.connect('ty-d', 'd');
    const x = await t.connect('ty-x', 'x');
    expect(await c.request('typing.start', { channelId: 'ty-big', channelType: 3 })).toEqual({ forwarded: false });
    expect(await x.request('typing.start', { channelId: 'ty-small', channelType: 2 })).toEqual({ forwarded: false });
    expect(await x.request('typing.start', { channelId: 'ty-nope', channelType: 2 })).toEqual({ forwarded: false });
    expect(await c.request('typing.start', { channelId: 'ty-small', channelType: 2 })).toEqual({ forwarded: true });
    await d.until(() => d.eventsOf(EventName.Typing).length === 1);
    // The last start is the only one d was told of: the refused ones told nobody, in any order.
    expect(d.eventsOf(EventName.Typing)).toEqual([{ channelId: 'ty-small', channelType: 2, uid: 'ty-c', expiresInMs: 6000 }]);
    await expect(c.request('typing.start', { channelId: 'ty-small', channelType: 4 })).rejects.toMatchObject({ code: 'request.invalid' });
  });

  it('tells nobody when the peer blocked the typer', async () => {
    const t = server();
    await t.ensureUsers('ty-g', 'ty-h');
    await t.adminOk('POST', '/users/ty-h/blacklist', { uids: ['ty-g'] });
    const g = await t.connect('ty-g', 'g');
    expect(await g.request('typing.start', { channelId: 'ty-h', channelType: 1 })).toEqual({ forwarded: false });
    expect(await g.request('typing.start', { channelId: 'ty-g', channelType: 1 })).toEqual({ forwarded: false });
  });
});

import type { PresenceState, TypingEvent } from '@parley/protocol';
import { sqliteBackend } from '@parley/test-kit/backends';
import { eventually } from '@parley/test-kit/eventually';
import { freePort } from '@parley/test-kit/free-port';
import { TestServer } from '@parley/test-kit/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type ParleyClient } from './index.js';

describe('@parley/client: presence, typing and profiles', () => {
  let t: TestServer;
  const clients: ParleyClient[] = [];
  beforeAll(async () => {
    // A fixed port: the restart below must come back where the clients reconnect.
    t = await TestServer.start(sqliteBackend, { PORT: String(await freePort()), PARLEY_PRESENCE_GRACE_SECONDS: '0' });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await t.close();
  });
  const signIn = async (uid: string, deviceId = 'd') => {
    const client = await connect({ url: t.url, token: await t.token(uid), deviceId });
    clients.push(client);
    return client;
  };

  it('follows users, hears them come and go, and follows them again after a reconnect', async () => {
    await t.adminOk('POST', '/users', { uid: 'pp-a', name: 'Ann' });
    await t.adminOk('POST', '/users', { uid: 'pp-b', name: 'Bob' });
    const ann = await signIn('pp-a');
    const heard: PresenceState[] = [];
    ann.people.onPresenceChanged.add('t', (s) => heard.push(s));
    expect(await ann.people.follow(['pp-b'])).toEqual([{ uid: 'pp-b', online: false, lastSeen: null }]);
    const bob = await signIn('pp-b');
    await eventually(() => heard.some((s) => s.online));
    // The server restarts: Ann's client reconnects, subscribes again, and is told Bob's state as it is now.
    bob.close();
    await t.restart();
    await eventually(() => ann.status === 'connected');
    heard.length = 0;
    await signIn('pp-b', 'back');
    await eventually(() => heard.some((s) => s.uid === 'pp-b' && s.online));
    // Ann and Bob share no chat: only her own profile is hers to see.
    expect(await ann.people.profiles(['pp-b', 'pp-a'])).toEqual([{ uid: 'pp-a', name: 'Ann', avatar: '' }]);
  });

  it('tells who is typing, and shows names of people one shares a chat with', async () => {
    await t.adminOk('POST', '/users', { uid: 'pp-c', name: 'Cat' });
    await t.adminOk('POST', '/users', { uid: 'pp-d', name: 'Dan' });
    const cat = await signIn('pp-c');
    const dan = await signIn('pp-d');
    const typing: TypingEvent[] = [];
    dan.people.onTyping.add('t', (e) => typing.push(e));
    expect(await cat.people.startTyping({ channelId: 'pp-d', channelType: 1 })).toBe(true);
    await eventually(() => typing.length === 1);
    expect(typing[0]).toMatchObject({ channelId: 'pp-c', channelType: 1, uid: 'pp-c' });
    await cat.messages.sendText({ channelId: 'pp-d', channelType: 1 }, 'hi');
    expect(await dan.people.profiles(['pp-c'])).toEqual([{ uid: 'pp-c', name: 'Cat', avatar: '' }]);
  });
});

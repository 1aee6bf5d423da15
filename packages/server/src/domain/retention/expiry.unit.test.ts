import { describe, expect, it } from 'vitest';
import { type ChannelKey, NO_FLOOR, type Storage } from '../../ports/storage/index.js';
import { MessageExpiry } from './expiry.js';

// knownFloor never reads: a store that throws on any use proves it.
const unread = new Proxy({} as Storage, {
  get: () => {
    throw new Error('knownFloor read the store');
  },
});

describe('MessageExpiry.knownFloor', () => {
  const person = { channelType: 1, channelId: 'alice|bob' } as ChannelKey;
  const system = { channelType: 4, channelId: 'alice' } as ChannelKey;

  it('answers "none" without a read for person and system channels while no server default is set', () => {
    const expiry = new MessageExpiry(unread, 0);
    expect(expiry.knownFloor(person)).toEqual(NO_FLOOR);
    expect(expiry.knownFloor(system)).toEqual(NO_FLOOR);
  });

  it('leaves groups, and every channel under a server default, to the read (floorOf)', () => {
    expect(new MessageExpiry(unread, 0).knownFloor({ channelType: 2, channelId: 'g' } as ChannelKey)).toBeUndefined();
    expect(new MessageExpiry(unread, 0).knownFloor({ channelType: 3, channelId: 's' } as ChannelKey)).toBeUndefined();
    expect(new MessageExpiry(unread, 7).knownFloor(person)).toBeUndefined();
  });
});

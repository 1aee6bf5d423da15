import { describe, expect, it } from 'vitest';
import { SendFactsCache } from './send-facts-cache.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const open = { peerExists: true, blockedByPeer: false, senderBanned: false };
const still = { data: () => 1, facts: () => 1 };

describe('SendFactsCache', () => {
  it('answers a pair only once all three of its facts are known, each kept where it belongs', () => {
    const cache = new SendFactsCache(still);
    expect(cache.get('a', 'b')).toBeUndefined();
    cache.put('a', 'b', { peerExists: true, blockedByPeer: true, senderBanned: false });
    expect(cache.get('a', 'b')).toEqual({ peerExists: true, blockedByPeer: true, senderBanned: false });
    // b's existence and a's standing are known; whether a blocks b is not.
    expect(cache.get('b', 'a')).toBeUndefined();
    cache.put('c', 'b', open);
    expect(cache.get('c', 'b')).toEqual(open);
    expect(cache.get('a', 'b')?.blockedByPeer).toBe(true);
  });

  it('forgets only what a write names', () => {
    const cache = new SendFactsCache(still);
    cache.put('a', 'b', open);
    cache.put('c', 'd', open);
    cache.forgetBlocks('b', ['a']);
    expect([cache.get('a', 'b'), cache.get('c', 'd')]).toEqual([undefined, open]);
    cache.put('a', 'b', open);
    cache.forgetUsers(['d']);
    expect([cache.get('a', 'b'), cache.get('c', 'd')]).toEqual([open, undefined]);
    cache.forgetUsers(['a']);
    expect(cache.get('a', 'b')).toBeUndefined();
    cache.put('a', 'b', open);
    cache.clear();
    expect([cache.get('a', 'b'), cache.size]).toEqual([undefined, 0]);
  });

  it('empties itself when another connection changed the facts, looking once a turn', async () => {
    let data = 7;
    let facts = 3;
    let looks = 0;
    const cache = new SendFactsCache({
      data: () => {
        looks++;
        return data;
      },
      facts: () => facts,
    });
    cache.put('a', 'b', open);
    await nextTurn();
    expect([cache.get('a', 'b'), cache.get('a', 'b')]).toEqual([open, open]);
    expect(looks).toBe(2); // at construction, and once in this turn
    // Another connection committed, but not to users, bans or blacklists (the webhook worker's outbox).
    data = 8;
    await nextTurn();
    expect(cache.get('a', 'b')).toEqual(open);
    // It changed them; not looked at again within the turn it was last looked at in.
    data = 9;
    facts = 4;
    expect(cache.get('a', 'b')).toEqual(open);
    await nextTurn();
    expect(cache.get('a', 'b')).toBeUndefined();
    expect(looks).toBe(4);
    cache.put('a', 'b', open);
    await nextTurn();
    expect(cache.get('a', 'b')).toEqual(open);
  });

  it('starts over rather than grow past its limit', () => {
    const cache = new SendFactsCache(still, 3);
    for (const peer of ['p1', 'p2', 'p3']) cache.put('a', peer, open);
    expect(cache.get('a', 'p1')).toEqual(open);
    cache.put('a', 'p4', open);
    expect([cache.get('a', 'p1'), cache.get('a', 'p4')]).toEqual([undefined, open]);
  });
});

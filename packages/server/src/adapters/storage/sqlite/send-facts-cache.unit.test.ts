import { describe, expect, it } from 'vitest';
import { SendFactsCache } from './send-facts-cache.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const open = { peerExists: true, blockedByPeer: false, senderBanned: false };
const still = { data: () => 1, facts: () => 1 };
const member = { uid: 'a', role: 0, mutedUntil: 0, joinSeq: 0, joinedAt: 1 };
const group = {
  channel: {
    channelType: 2 as const,
    channelId: 'g1',
    name: '',
    ownerUid: 'o',
    allowHistory: true,
    banned: false,
    muteAll: false,
    dismissed: false,
    memberCount: 3,
    maxSeq: 0,
    lastMessageAt: 0,
    createdAt: 1,
    retentionDays: null,
    purgedSeq: 0,
    purgedOrd: 0,
  },
  member,
  whitelistSize: 0,
  senderWhitelisted: false,
  senderBanned: false,
};

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

  it("keeps a group send's facts by channel and sender, forgotten by channel, by sender or with the rest", async () => {
    const cache = new SendFactsCache(still);
    const g1 = { channelType: 2, channelId: 'g1' } as const;
    const g2 = { channelType: 3, channelId: 'g2' } as const;
    const facts = (uid: string) => ({ ...group, member: { ...member, uid } });
    cache.putGroup(g1, 'a', facts('a'));
    cache.putGroup(g1, 'b', facts('b'));
    cache.putGroup(g2, 'a', facts('a'));
    expect([cache.getGroup(g1, 'a'), cache.getGroup(g1, 'c'), cache.getGroup({ channelType: 3, channelId: 'g1' }, 'a')]).toEqual([
      facts('a'),
      undefined,
      undefined,
    ]);
    expect(cache.size).toBe(3);
    cache.forgetGroup(g1);
    expect([cache.getGroup(g1, 'a'), cache.getGroup(g1, 'b'), cache.getGroup(g2, 'a')]).toEqual([undefined, undefined, facts('a')]);
    cache.putGroup(g1, 'b', facts('b'));
    // A ban names a user: their facts in every group go, the others' stay.
    cache.forgetUsers(['a']);
    expect([cache.getGroup(g2, 'a'), cache.getGroup(g1, 'b'), cache.size]).toEqual([undefined, facts('b'), 1]);
    cache.clear();
    expect([cache.getGroup(g1, 'b'), cache.size]).toEqual([undefined, 0]);
    // Another connection's change to the facts empties them too (the same look as for 1:1 facts).
    let version = 1;
    const watched = new SendFactsCache({ data: () => version, facts: () => version });
    watched.putGroup(g1, 'a', facts('a'));
    version = 2;
    await nextTurn();
    expect(watched.getGroup(g1, 'a')).toBeUndefined();
  });

  it('starts over rather than grow past its limit', () => {
    const cache = new SendFactsCache(still, 3, 3);
    for (const peer of ['p1', 'p2', 'p3']) cache.put('a', peer, open);
    expect(cache.get('a', 'p1')).toEqual(open);
    cache.put('a', 'p4', open);
    expect([cache.get('a', 'p1'), cache.get('a', 'p4')]).toEqual([undefined, open]);
    for (const sender of ['s1', 's2', 's3']) cache.putGroup({ channelType: 2, channelId: 'g' }, sender, group);
    cache.putGroup({ channelType: 2, channelId: 'g' }, 's4', group);
    expect(cache.getGroup({ channelType: 2, channelId: 'g' }, 's1')).toBeUndefined();
    expect(cache.getGroup({ channelType: 2, channelId: 'g' }, 's4')).toEqual(group);
  });
});

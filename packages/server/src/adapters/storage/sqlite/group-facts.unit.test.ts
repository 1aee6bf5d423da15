import { describe, expect, it } from 'vitest';
import type { GroupSendFacts } from '../../../ports/storage/index.js';
import { GroupFacts } from './group-facts.js';

const facts = { channel: undefined, member: undefined, whitelistSize: 0, senderWhitelisted: false, senderBanned: false } as GroupSendFacts;

describe('GroupFacts', () => {
  it('keeps no sender whose facts are all forgotten, by channel or by sender', () => {
    const groups = new GroupFacts();
    for (let g = 0; g < 3; g++) for (let u = 0; u < 4; u++) groups.put(`g${g}`, `u${u}`, facts);
    expect([groups.size, groups.senders]).toEqual([12, 4]);
    groups.forgetChannel('g0');
    groups.forgetChannel('g1');
    expect([groups.size, groups.senders, groups.get('g2', 'u3')]).toEqual([4, 4, facts]);
    groups.forgetChannel('g2');
    expect([groups.size, groups.senders]).toEqual([0, 0]);
    groups.put('g0', 'u0', facts);
    groups.put('g1', 'u0', facts);
    groups.put('g1', 'u1', facts);
    groups.forgetSenders(['u0']);
    expect([groups.size, groups.senders, groups.get('g1', 'u0'), groups.get('g1', 'u1')]).toEqual([1, 1, undefined, facts]);
    groups.forgetChannel('g1');
    expect([groups.size, groups.senders]).toEqual([0, 0]);
  });
});

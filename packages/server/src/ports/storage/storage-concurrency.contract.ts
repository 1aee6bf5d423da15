import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommitResult, NewMessage, Storage } from './index.js';

/**
 * The storage contract's rules under concurrency (part of `runStorageContract`): racing commits,
 * membership changes, own-state updates, revokes, reactions, receipts, edits, group creation and
 * whitelist replacement, each checked for the rule the ports state for it. `nodes` are the stores
 * the calls are spread over: several opened on one data set for a backend that server nodes can
 * share, else one store (the same object several times), whose calls then race each other.
 */
export function runConcurrencyContract(label: string, open: () => Promise<{ nodes: Storage[]; close(): Promise<void> }>): void {
  describe(label, () => {
    const now = 1_700_000_000_000;
    let opened: { nodes: Storage[]; close(): Promise<void> } | undefined;
    const node = (i: number) => opened?.nodes[i % opened.nodes.length] as Storage;

    const message = (channelId: string, fromUid: string, clientMsgNo: string, messageId: string): NewMessage => {
      const [x, y] = channelId.split('|') as [string, string];
      const to = fromUid === x ? y : x;
      return {
        channelType: 1,
        channelId,
        messageId,
        clientMsgNo,
        fromUid,
        timestamp: now,
        contentType: 1,
        payloadJson: '{}',
        metaJson: '{}',
        redDot: true,
        mentionUids: [],
        mentionAll: false,
        fanout: {
          kind: 'users',
          targets: [
            { uid: fromUid, conversationId: `p2p|${to}` },
            { uid: to, conversationId: `p2p|${fromUid}` },
          ],
        },
      };
    };

    beforeAll(async () => {
      opened = await open();
      for (const uid of ['a', 'b', 'c', 'd', ...Array.from({ length: 8 }, (_, i) => `late${i}`)]) await node(0).users.upsert(uid, {}, now);
    });
    afterAll(async () => {
      await opened?.close();
    });

    it('keeps seqs contiguous and answers a send repeated by racing commits with the first ack', async () => {
      const channels = ['a|b', 'b|c', 'c|d'];
      const rounds = 10;
      // Every node sends every logical message, in its own order, each under its own message id,
      // so batches overlap in channels (lock order) and in (fromUid, clientMsgNo) (retries).
      const batchesOf = (n: number): NewMessage[][] =>
        Array.from({ length: rounds }, (_, round) =>
          [0, 1, 2].flatMap((k) => {
            const channelId = channels[(k + n + round) % channels.length] as string;
            const from = channelId.split('|')[round % 2] as string;
            return [0, 1].map((i) => message(channelId, from, `${channelId}/${round}/${i}`, `${n}/${channelId}/${round}/${i}`));
          }),
        );
      const sent = await Promise.all(
        [0, 1, 2].map(async (n) => {
          const results: Array<{ m: NewMessage; r: CommitResult; batch: string }> = [];
          for (const [round, batch] of batchesOf(n).entries()) {
            const rs = await node(n).messages.commit(batch);
            for (const [i, m] of batch.entries()) results.push({ m, r: rs[i] as CommitResult, batch: `${n}/${round}` });
          }
          return results;
        }),
      );
      const all = sent.flat();

      const ackByClientNo = new Map<string, string>();
      for (const { m, r } of all) {
        const ack = JSON.stringify(r.ack);
        expect(ackByClientNo.get(m.clientMsgNo) ?? ack).toBe(ack);
        ackByClientNo.set(m.clientMsgNo, ack);
      }
      expect(all.filter(({ r }) => r.status === 'stored')).toHaveLength(ackByClientNo.size);

      for (const channelId of channels) {
        const key = { channelType: 1 as const, channelId };
        const expected = Array.from({ length: 2 * rounds }, (_, i) => i + 1);
        expect((await node(1).messages.range(key, 1, 1_000)).map((m) => m.messageSeq)).toEqual(expected);
        expect((await node(2).channels.get(key))?.maxSeq).toBe(expected.length);
      }

      // A user's version names one conversation change: never reused by another batch or conversation.
      const changeByVersion = new Map<string, string>();
      for (const { m, r, batch } of all) {
        if (r.status !== 'stored') continue;
        for (const v of r.conversations) {
          const change = `${batch}/${m.channelId}`;
          expect(changeByVersion.get(`${v.uid}#${v.version}`) ?? change).toBe(change);
          changeByVersion.set(`${v.uid}#${v.version}`, change);
        }
      }
    });

    it('fans a group message out to exactly the members who joined below its seq', async () => {
      const group = { channelType: 2 as const, channelId: 'race' };
      await node(0).channels.createGroup({ ...group, name: 'race', ownerUid: 'a', allowHistory: false }, ['b'], now);
      const send = async (): Promise<CommitResult[]> => {
        const results: CommitResult[] = [];
        for (let i = 0; i < 24; i++) {
          const [r] = await node(1).messages.commit([
            { ...message('a|b', 'a', `race-${i}`, `race-${i}`), ...group, fanout: { kind: 'members', conversationId: 'team|race' } },
          ]);
          results.push(r as CommitResult);
        }
        return results;
      };
      const join = async (): Promise<void> => {
        for (let i = 0; i < 8; i++) await node(2).channels.addMembers(group, [`late${i}`], now);
      };
      const [results] = await Promise.all([send(), join()]);

      for (let i = 0; i < 8; i++) {
        const joinSeq = (await node(0).channels.member(group, `late${i}`))?.joinSeq as number;
        for (const r of results) {
          if (r.status !== 'stored') throw new Error('every group message is new');
          expect(r.conversations.some((v) => v.uid === `late${i}`)).toBe(r.ack.messageSeq > joinSeq);
        }
      }
      expect((await node(0).channels.get(group))?.memberCount).toBe(10);
      // A late member's unread counting starts at the ordinal of their join point.
      for (let i = 0; i < 8; i++) {
        const joinSeq = (await node(0).channels.member(group, `late${i}`))?.joinSeq as number;
        const row = await node(1).conversations.get(`late${i}`, 'team|race');
        if (!row) continue; // joined after the last message
        expect(row).toMatchObject({ readSeq: joinSeq, readOrd: await node(2).messages.ordinalAt(group, joinSeq) });
      }
    });

    it('ticks the super-group clock exactly once per batch and keeps ordinals contiguous', async () => {
      const groups = ['sg-x', 'sg-y', 'sg-z'].map((channelId) => ({ channelType: 3 as const, channelId }));
      for (const g of groups) await node(0).channels.createGroup({ ...g, name: '', ownerUid: 'a', allowHistory: false }, ['b', 'c'], now);
      const clock0 = (await node(0).conversations.clock('a')).superGroupClock;
      const rounds = 8;
      // Each batch: two super groups (sorted differently per node, so lock order matters) and a 1:1 chat.
      const batchOf = (n: number, round: number): NewMessage[] => {
        const from = ['a', 'b', 'c'][(n + round) % 3] as string;
        const picked = [groups[(n + round) % 3], groups[(n + round + 1) % 3]] as typeof groups;
        return [
          ...picked.flatMap((g, k) =>
            [0, 1].map((i) => ({
              ...message('a|b', 'a', `sgc/${n}/${round}/${k}/${i}`, `sgc/${n}/${round}/${k}/${i}`),
              ...g,
              fromUid: from,
              redDot: i === 0,
              mentionAll: i === 1 && round % 2 === 0,
              fanout: { kind: 'none' as const, conversationId: `super_team|${g.channelId}` },
            })),
          ),
          message('c|d', 'd', `sgc/${n}/${round}/p2p`, `sgc/${n}/${round}/p2p`),
        ];
      };
      await Promise.all(
        [0, 1, 2].map(async (n) => {
          for (let round = 0; round < rounds; round++) await node(n).messages.commit(batchOf(n, round));
        }),
      );

      const clock = (await node(1).conversations.clock('a')).superGroupClock;
      expect(clock).toBe(clock0 + 3 * rounds);
      const views = await node(2).conversations.superGroups('b');
      expect(views.map((v) => v.channel.channelId).sort()).toEqual(['sg-x', 'sg-y', 'sg-z']);
      // The last batch to commit stamped its tick, the clock's final value, on its two groups.
      expect(Math.max(...views.map((v) => v.channel.superGroupClock))).toBe(clock);
      for (const v of views) {
        const messages = await node(0).messages.range(v.channel, 1, 1_000);
        expect(messages.map((m) => m.messageSeq)).toEqual(Array.from({ length: v.channel.maxSeq }, (_, i) => i + 1));
        expect(v.channel.redCount).toBe(messages.filter((m) => m.redDot).length);
        let ord = 0;
        for (const m of messages) {
          if (m.redDot) ord++;
          expect(await node(1).messages.ordinalAt(v.channel, m.messageSeq)).toBe(ord);
        }
      }
      const epochs = await Promise.all([0, 1, 2].map(async (n) => (await node(n).conversations.clock('a')).epoch));
      expect(new Set(epochs).size).toBe(1);
    });

    // Also the lock-order check for update (users row, then conversation row, as commits take them):
    // taken the other way round this still passes, through deadlock retries, but a second per collision.
    it('versions every change once when own-state updates race commits on the same conversation', async () => {
      const key = { channelType: 1 as const, channelId: 'a|d', conversationId: 'p2p|d' };
      const sends = [0, 1].map(async (n) => {
        const versions: number[] = [];
        for (let i = 0; i < 15; i++) {
          const [r] = await node(n).messages.commit([message('a|d', i % 2 ? 'd' : 'a', `upd/${n}/${i}`, `upd/${n}/${i}`)]);
          if (r?.status !== 'stored') throw new Error('every message is new');
          versions.push(r.conversations.find((c) => c.uid === 'a')?.version as number);
        }
        return versions;
      });
      const updates = (async () => {
        const versions: number[] = [];
        for (let i = 0; i < 30; i++) {
          const { row, changed } = await node(2).conversations.update('a', key, { ext: `e${i}`, read: { seq: i, ord: i } });
          expect(changed).toBe(true); // the ext always changes
          versions.push(row.version);
        }
        return versions;
      })();
      const all = (await Promise.all([...sends, updates])).flat();
      expect(new Set(all).size).toBe(all.length);
      const clock = await node(0).conversations.clock('a');
      expect(Math.max(...all)).toBe(clock.version);
      const row = await node(1).conversations.get('a', 'p2p|d');
      expect(row).toMatchObject({ version: clock.version, ext: 'e29', lastSeq: 30, lastOrd: 30 });
      expect((await node(1).conversations.changedSince('a', clock.version - 1, 10)).map((r) => r.conversationId)).toEqual(['p2p|d']);
    });

    // Revoke locks the message row, then the channel, users, conversations: behind any commit to the
    // channel, never across one. Every node revokes every message, so all but one call per message
    // find it revoked already; no version may be handed out twice, by a revoke or by a commit.
    it('revokes each message once while racing revokes and commits go on in its channel', async () => {
      for (const uid of ['rv-a', 'rv-b']) await node(0).users.upsert(uid, {}, now);
      const key = { channelType: 1 as const, channelId: 'rv-a|rv-b' };
      const first = await node(0).messages.commit(
        Array.from({ length: 10 }, (_, i) => message(key.channelId, 'rv-a', `rv/${i}`, `rv/${i}`)),
      );
      const versions: Array<{ uid: string; version: number; change: string }> = [];
      for (const r of first) if (r.status === 'stored') for (const c of r.conversations) versions.push({ ...c, change: 'first' });
      const revokes = [0, 1, 2].map(async (n) => {
        const results: Array<{ seq: number; changed: number; revoker: string }> = [];
        for (let k = 0; k < 10; k++) {
          const seq = ((k + 3 * n) % 10) + 1;
          const { message: m, conversations } = await node(n).messageState.revoke({ ...key, seq }, `rv-${n}`, now + n);
          expect(m).toMatchObject({ messageSeq: seq });
          expect(m.revokedAt).toBeGreaterThan(0);
          for (const c of conversations) versions.push({ ...c, change: `revoke/${seq}` });
          results.push({ seq, changed: conversations.length, revoker: m.revoker });
        }
        return results;
      });
      const commits = [0, 1].map(async (n) => {
        for (let i = 0; i < 10; i++) {
          const [r] = await node(n).messages.commit([message(key.channelId, 'rv-a', `rv/${n}/${i}`, `rv/${n}/${i}`)]);
          if (r?.status !== 'stored') throw new Error('every message is new');
          for (const c of r.conversations) versions.push({ ...c, change: `commit/${n}/${i}` });
        }
      });
      const [revoked] = await Promise.all([Promise.all(revokes).then((all) => all.flat()), ...commits]);
      // rv-b never sends, so never reads: the one revoke that changed a message versions their row at least.
      for (let seq = 1; seq <= 10; seq++) {
        const calls = revoked.filter((r) => r.seq === seq);
        expect(calls.filter((r) => r.changed > 0)).toHaveLength(1);
        expect(new Set(calls.map((r) => r.revoker)).size).toBe(1);
      }

      const changeOf = new Map<string, string>();
      for (const v of versions) {
        expect(changeOf.get(`${v.uid}#${v.version}`) ?? v.change).toBe(v.change);
        changeOf.set(`${v.uid}#${v.version}`, v.change);
      }
      for (const uid of ['rv-a', 'rv-b']) {
        const row = await node(2).conversations.get(uid, `p2p|${uid === 'rv-a' ? 'rv-b' : 'rv-a'}`);
        expect(row).toMatchObject({ mayHide: true, lastSeq: 30, version: (await node(1).conversations.clock(uid)).version });
      }
      const messages = await node(1).messages.range(key, 1, 30);
      expect(messages.filter((m) => m.revokedAt > 0).map((m) => m.messageSeq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    });

    it('ticks the super-group clock and counts a super-group revoke once, between racing commits', async () => {
      const group = { channelType: 3 as const, channelId: 'sg-rv' };
      await node(0).channels.createGroup({ ...group, name: '', ownerUid: 'a', allowHistory: false }, ['b', 'c'], now);
      const sgMessage = (id: string): NewMessage => ({
        ...message('a|b', 'a', id, id),
        ...group,
        fanout: { kind: 'none', conversationId: `super_team|${group.channelId}` },
      });
      await node(0).messages.commit(Array.from({ length: 8 }, (_, i) => sgMessage(`sg-rv/${i}`)));
      const clock0 = (await node(0).conversations.clock('a')).superGroupClock;
      await Promise.all([
        ...[1, 2].map(async (n) => {
          for (let k = 0; k < 8; k++) await node(n).messageState.revoke({ ...group, seq: ((k + 4 * n) % 8) + 1 }, 'a', now);
        }),
        (async () => {
          for (let i = 0; i < 8; i++) await node(0).messages.commit([sgMessage(`sg-rv/more/${i}`)]);
        })(),
      ]);
      const [view] = (await node(1).conversations.superGroups('c')).filter((v) => v.channel.channelId === group.channelId);
      expect(view?.channel).toMatchObject({ revokeCount: 8, maxSeq: 16 });
      const clock = (await node(2).conversations.clock('a')).superGroupClock;
      expect(clock).toBe(clock0 + 8 + 8);
      expect(view?.channel.superGroupClock).toBe(clock);
    });

    it('holds the distinct-emoji limit and records each receipt once under racing calls', async () => {
      const key = { channelType: 1 as const, channelId: 'rv-a|rv-b' };
      const ref = { ...key, seq: 12 };
      const emoji = ['😀', '😁', '😂', '🤣', '😃', '😄'];
      const results = await Promise.all(
        emoji.map((e, i) => node(i % 3).messageState.react(ref, i % 2 ? 'rv-a' : 'rv-b', e, true, 3, now + i)),
      );
      const kept = results.filter((r) => r !== 'limit');
      expect(kept).toHaveLength(3);
      const [notes] = (await node(0).messageState.annotations([ref])).values();
      expect(notes?.reactions).toHaveLength(3);
      expect((await node(1).messages.bySeqs([ref]))[0]?.annotated).toBe(true);

      const refs = Array.from({ length: 12 }, (_, i) => ({ ...key, seq: 13 + i }));
      const recorded = await Promise.all(
        [0, 1, 2].map((n) => node(n).messageState.addReceipts('rv-b', [...refs.slice(4 * n), ...refs.slice(0, 4 * n)], now)),
      );
      expect(
        recorded
          .flat()
          .map((r) => r.seq)
          .sort((a, b) => a - b),
      ).toEqual(refs.map((r) => r.seq));
      for (const n of (await node(2).messageState.annotations(refs)).values()) expect(n.readCount).toBe(1);
      expect((await node(0).messages.bySeqs(refs)).every((m) => m.annotated)).toBe(true);
    });

    it('creates a group id once when creates race, whatever their group types', async () => {
      const created = await Promise.all(
        [0, 1, 2, 3, 4, 5].map((i) =>
          node(i).channels.createGroup(
            { channelType: i % 2 ? 3 : 2, channelId: 'race-create', name: `n${i}`, ownerUid: 'a', allowHistory: false },
            ['b', 'c'],
            now,
          ),
        ),
      );
      expect(created.filter(Boolean)).toHaveLength(1);
      const winner = created.indexOf(true);
      expect(await node(1).channels.findGroup('race-create')).toMatchObject({
        channelType: winner % 2 ? 3 : 2,
        name: `n${winner}`,
        memberCount: 3,
      });
      expect(await node(2).channels.members({ channelType: winner % 2 ? 3 : 2, channelId: 'race-create' })).toHaveLength(3);
    });

    it('leaves one of racing whitelist replacements, never their union', async () => {
      const group = { channelType: 2 as const, channelId: 'race-whitelist' };
      await node(0).channels.createGroup({ ...group, name: '', ownerUid: 'a', allowHistory: false }, ['b', 'c', 'd'], now);
      const lists = [['b'], ['c', 'd'], ['b', 'c', 'd', 'late0'], ['d', 'late1']];
      for (let round = 0; round < 5; round++) {
        await Promise.all(lists.map((uids, i) => node(i + round).channels.setWhitelist(group, uids)));
        const kept = await node(round).channels.whitelist(group);
        expect(lists.map((l) => [...l].sort())).toContainEqual(kept);
        const facts = await node(round + 1).channels.groupSendFacts(group, 'b');
        expect(facts).toMatchObject({ whitelistSize: kept.length, senderWhitelisted: kept.includes('b') });
      }
    });

    it('never lets racing edits pass maxEdits', async () => {
      const key = { channelType: 1 as const, channelId: 'a|c' };
      const [r] = await node(0).messages.commit([message(key.channelId, 'a', 'edit-race', 'edit-race')]);
      const ref = { ...key, seq: r?.ack.messageSeq as number };
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => node(i).messageState.edit(ref, `{"type":1,"content":"v${i}"}`, now + i, 3)),
      );
      expect(results.filter((x) => x !== 'limit')).toHaveLength(3);
      expect((await node(1).messages.range(key, ref.seq, ref.seq))[0]?.editCount).toBe(3);
    });

    it('moves a read position only forward when own-state updates race', async () => {
      const key = { channelType: 1 as const, channelId: 'b|d', conversationId: 'p2p|b' };
      await node(0).messages.commit(Array.from({ length: 12 }, (_, i) => message(key.channelId, 'b', `read-race/${i}`, `read-race/${i}`)));
      const results = await Promise.all(
        [7, 3, 12, 5, 9, 1].map((seq, i) => node(i).conversations.update('d', key, { read: { seq, ord: seq } })),
      );
      expect(await node(2).conversations.get('d', key.conversationId)).toMatchObject({ readSeq: 12, readOrd: 12 });
      const versions = results.filter((x) => x.changed).map((x) => x.row.version);
      expect(new Set(versions).size).toBe(versions.length);
    });
  });
}

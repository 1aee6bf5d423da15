import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageMaker, p2pFanout } from './contract-fixtures.js';
import type { EventsOf, OutboxEvent, Storage } from './index.js';
import { laneOf } from './index.js';

/**
 * The rules of WebhookOutboxStore (webhook-outbox.ts) and of the `events` every reporting write takes
 * (EventsOf): written in the write's own transaction, only when it changed something. Run by
 * `runStorageContract`; with `openNodes`, leases are raced across stores sharing one data set.
 */
export function runWebhookOutboxContract(
  name: string,
  open: () => Promise<Storage>,
  openNodes?: (count: number) => Promise<Storage[]>,
): void {
  describe(`storage contract: ${name}: webhook outbox`, () => {
    let store: Storage;
    let n = 0;
    const now = 1_700_000_000_000;
    const claimAll = { leaseMs: 10_000, maxLanes: 64, maxEvents: 1000 };
    const event = (orderKey: string, over: Partial<OutboxEvent> = {}): OutboxEvent => {
      n++;
      return { id: `e${n}`, type: 'test.event', orderKey, createdAt: now + n, dataJson: JSON.stringify({ n }), ...over };
    };
    /** Claims everything there is and marks it delivered: the outbox is empty after it. */
    const drain = async (owner = 'drainer') => {
      const seen: string[] = [];
      for (;;) {
        const c = await store.webhookOutbox.claim(owner, now + 10_000_000, claimAll);
        if (!c.lanes.length) return seen;
        seen.push(...c.events.map((e) => e.id));
        await store.webhookOutbox.delivered(
          owner,
          c.lanes,
          c.events.map((e) => e.position),
        );
      }
    };
    const recording =
      <R>(into: R[], type: string, orderKey = 'k'): EventsOf<R> =>
      (result) => {
        into.push(result);
        return [event(orderKey, { type })];
      };
    const failing: EventsOf<unknown> = () => {
      throw new Error('events refused');
    };
    /** How many events were waiting (and are delivered now). */
    const drainedCount = async () => (await drain()).length;
    const p2p = p2pFanout;
    const message = messageMaker({ channelId: 'wa|wb', fromUid: 'wa', firstId: 9_000_000, clientPrefix: 'wh', now });

    beforeAll(async () => {
      store = await open();
      for (const uid of ['wa', 'wb', 'wc', 'wd']) await store.users.upsert(uid, {}, now);
    });
    afterAll(async () => {
      await store?.close();
    });

    it('hands appended events out in write order, each lane a prefix, and forgets them once delivered', async () => {
      const events = ['x', 'y', 'x', 'z', 'y', 'x'].map((k) => event(k));
      await store.webhookOutbox.append(events);
      const c = await store.webhookOutbox.claim('o1', now, claimAll);
      expect(c.events.map((e) => e.id)).toEqual(events.map((e) => e.id));
      expect(c.events[0]).toMatchObject({ id: events[0]?.id, type: 'test.event', createdAt: events[0]?.createdAt, lane: laneOf('x') });
      expect(JSON.parse(c.events[0]?.dataJson ?? '')).toEqual(JSON.parse(events[0]?.dataJson ?? ''));
      expect(new Set(c.lanes)).toEqual(new Set(['x', 'y', 'z'].map(laneOf)));
      expect(c.attempts).toBe(0);
      // Leased: nobody else gets them meanwhile, not even the same owner twice.
      expect((await store.webhookOutbox.claim('o2', now + 1, claimAll)).lanes).toEqual([]);
      // Only the first three were sent: the rest stay, in order.
      const sent = c.events.slice(0, 3);
      await store.webhookOutbox.delivered(
        'o1',
        c.lanes,
        sent.map((e) => e.position),
      );
      const next = await store.webhookOutbox.claim('o2', now + 2, claimAll);
      expect(next.events.map((e) => e.id)).toEqual(events.slice(3).map((e) => e.id));
      await store.webhookOutbox.delivered(
        'o2',
        next.lanes,
        next.events.map((e) => e.position),
      );
      expect(await store.webhookOutbox.claim('o3', now + 3, claimAll)).toEqual({ lanes: [], attempts: 0, events: [] });
      expect((await store.webhookOutbox.status()).pending).toBe(0);
    });

    it('forgets a large delivered batch whole (an adapter may delete it in parts) and frees its lanes', async () => {
      const events = Array.from({ length: 350 }, (_, i) => event(`big-${i % 7}`));
      await store.webhookOutbox.append(events);
      const c = await store.webhookOutbox.claim('big', now, claimAll);
      expect(c.events.map((e) => e.id)).toEqual(events.map((e) => e.id));
      await store.webhookOutbox.delivered(
        'big',
        c.lanes,
        c.events.slice(0, 301).map((e) => e.position),
      );
      // The lanes are free at once: another owner takes what is left, in order.
      const rest = await store.webhookOutbox.claim('other', now + 1, claimAll);
      expect(rest.events.map((e) => e.id)).toEqual(events.slice(301).map((e) => e.id));
      await store.webhookOutbox.delivered(
        'other',
        rest.lanes,
        rest.events.map((e) => e.position),
      );
      expect((await store.webhookOutbox.status()).pending).toBe(0);
    });

    it('gives a lane whose lease ran out, or was released, to another owner', async () => {
      const e = event('lease');
      await store.webhookOutbox.append([e]);
      expect((await store.webhookOutbox.claim('dead-node', now, { ...claimAll, leaseMs: 100 })).events.map((x) => x.id)).toEqual([e.id]);
      expect((await store.webhookOutbox.claim('other', now + 99, claimAll)).lanes).toEqual([]);
      const taken = await store.webhookOutbox.claim('other', now + 100, claimAll);
      expect(taken.events.map((x) => x.id)).toEqual([e.id]);
      // The first owner's late answer frees nothing of the new owner's lease.
      await store.webhookOutbox.release('dead-node');
      expect((await store.webhookOutbox.claim('third', now + 101, claimAll)).lanes).toEqual([]);
      await store.webhookOutbox.release('other');
      expect((await store.webhookOutbox.claim('third', now + 102, claimAll)).events.map((x) => x.id)).toEqual([e.id]);
      await store.webhookOutbox.release('third', [laneOf('lease')]);
      expect(await drain()).toEqual([e.id]);
    });

    it('holds a failed lane until its retry time, counts its attempts, and buries what outlived its age', async () => {
      const old = event('fail', { createdAt: now - 5000 });
      const young = event('fail', { createdAt: now });
      await store.webhookOutbox.append([old, young]);
      const c = await store.webhookOutbox.claim('o', now, claimAll);
      const died = await store.webhookOutbox.failed(
        'o',
        c.lanes,
        c.events.map((e) => e.position),
        { now, retryAt: now + 1000, error: 'HTTP 500', deadBefore: now - 1000 },
      );
      expect(died).toBe(1);
      expect((await store.webhookOutbox.status()).failing).toEqual([
        { lane: laneOf('fail'), attempts: 1, retryAt: now + 1000, lastError: 'HTTP 500' },
      ]);
      expect((await store.webhookOutbox.claim('o', now + 999, claimAll)).lanes).toEqual([]);
      const again = await store.webhookOutbox.claim('o', now + 1000, claimAll);
      expect([again.attempts, again.events.map((e) => e.id)]).toEqual([1, [young.id]]);
      await store.webhookOutbox.failed(
        'o',
        again.lanes,
        again.events.map((e) => e.position),
        { now: now + 1000, retryAt: now + 3000, error: 'timeout', deadBefore: now - 1000 },
      );
      expect((await store.webhookOutbox.claim('o', now + 3000, claimAll)).attempts).toBe(2);
      const dead = await store.webhookOutbox.deadLetters(undefined, 10);
      expect(dead.map((d) => [d.id, d.type, d.createdAt, d.diedAt, d.lastError])).toEqual([
        [old.id, 'test.event', old.createdAt, now, 'HTTP 500'],
      ]);
      // Delivered at last: the lane starts again from 0 attempts.
      await store.webhookOutbox.release('o');
      expect(await drain()).toEqual([young.id]);
      expect((await store.webhookOutbox.status()).failing).toEqual([]);
    });

    it('replays dead letters at their old place in their lane, with their age started again', async () => {
      // Earlier tests' dead letters out of the way.
      await store.webhookOutbox.replay(undefined, 1000, now);
      await drain();
      const first = event('replay', { createdAt: now - 10_000 });
      const second = event('replay', { createdAt: now - 10_000 });
      await store.webhookOutbox.append([first, second]);
      const c = await store.webhookOutbox.claim('r', now, claimAll);
      await store.webhookOutbox.failed(
        'r',
        c.lanes,
        c.events.map((e) => e.position),
        { now, retryAt: now, error: 'HTTP 503', deadBefore: now },
      );
      const later = event('replay');
      await store.webhookOutbox.append([later]);
      const dead = await store.webhookOutbox.deadLetters(undefined, 10);
      expect(dead.map((d) => d.id)).toEqual(expect.arrayContaining([first.id, second.id]));
      // Paged by position.
      const firstPage = await store.webhookOutbox.deadLetters(undefined, 1);
      const rest = await store.webhookOutbox.deadLetters(firstPage[0]?.position, 10);
      expect([...firstPage, ...rest].map((d) => d.id)).toEqual(dead.map((d) => d.id));

      expect(await store.webhookOutbox.replay([second.id, 'no-such-event'], 10, now + 1)).toBe(1);
      expect(await store.webhookOutbox.replay(undefined, 1, now + 1)).toBe(1);
      expect((await store.webhookOutbox.deadLetters(undefined, 10)).map((d) => d.id)).not.toContain(first.id);
      const back = await store.webhookOutbox.claim('r', now + 2, claimAll);
      expect(back.events.filter((e) => e.lane === laneOf('replay')).map((e) => e.id)).toEqual([first.id, second.id, later.id]);
      // Replayed just now: not old enough to die at this failure.
      expect(
        await store.webhookOutbox.failed(
          'r',
          back.lanes,
          back.events.map((e) => e.position),
          { now: now + 2, retryAt: now + 2, error: 'again', deadBefore: now },
        ),
      ).toBe(0);
      await drain();
      await store.webhookOutbox.replay(undefined, 1000, now);
      await drain();
    });

    /** Buries everything waiting (each event older than the failure's deadBefore). */
    const buryAll = async () => {
      for (;;) {
        const c = await store.webhookOutbox.claim('bury', now + 10_000_000, claimAll);
        if (!c.lanes.length) return;
        await store.webhookOutbox.failed(
          'bury',
          c.lanes,
          c.events.map((e) => e.position),
          { now, retryAt: 0, error: 'gone', deadBefore: now + 10_000_000 },
        );
      }
    };

    it('discards dead letters for good: by id, or the oldest ones', async () => {
      await store.webhookOutbox.discard(undefined, 100_000);
      const [a, b, c] = [event('discard'), event('discard'), event('discard')];
      await store.webhookOutbox.append([a, b, c]);
      await buryAll();
      expect(await store.webhookOutbox.discard([b.id, 'no-such-event'], 10)).toBe(1);
      expect(await store.webhookOutbox.discard(undefined, 1)).toBe(1);
      expect((await store.webhookOutbox.deadLetters(undefined, 10)).map((d) => d.id)).toEqual([c.id]);
      expect(await store.webhookOutbox.replay([b.id], 10, now)).toBe(0);
      expect(await store.webhookOutbox.discard(undefined, 10)).toBe(1);
      expect(await store.webhookOutbox.status()).toMatchObject({ pending: 0, deadLetters: 0 });
    });

    it('forgets an erased user in pending and dead events, in bounded scans: theirs and about them gone, quotes of them cut', async () => {
      await drain();
      await store.webhookOutbox.discard(undefined, 100_000);
      const data = (o: object) => ({ dataJson: JSON.stringify(o) });
      const theirs = event('fg1', data({ fromUid: 'fg-x', messageId: '1', payload: { type: 1, content: 'secret' } }));
      const toThem = event('fg2', data({ uid: 'fg-x', fromUid: 'fg-y', preview: 'for x' }));
      const quoting = event(
        'fg3',
        data({ fromUid: 'fg-y', channelId: 'fg-x', reply: { messageId: '1', fromUid: 'fg-x', preview: 'secret' } }),
      );
      const others = event('fg4', data({ fromUid: 'fg-y', channelId: 'fg-x', payload: { type: 1, content: 'hi x' } }));
      const similar = event('fg5', data({ fromUid: 'fg-xx', uid: 'fg-x2' }));
      const notice = event('fg6', data({ fromUid: '__system__', channelType: 4, channelId: 'fg-x' }));
      await store.webhookOutbox.append([theirs, toThem, notice]);
      await buryAll(); // these three dead, the rest pending
      await store.webhookOutbox.append([quoting, others, similar]);

      const seen: Array<number | undefined> = [];
      let after = 0;
      for (let step = 0; step < 10; step++) {
        const last = await store.webhookOutbox.forgetUser('fg-x', after, 2);
        seen.push(last);
        if (last === undefined) break;
        after = last;
      }
      // Six events, two per scan: three full scans, then one that finds nothing.
      expect(seen).toHaveLength(4);
      expect(seen.at(-1)).toBeUndefined();
      expect(await store.webhookOutbox.deadLetters(undefined, 10)).toEqual([]);
      const left = (await store.webhookOutbox.claim('fg', now + 10_000_000, claimAll)).events;
      expect(left.map((e) => [e.id, JSON.parse(e.dataJson)])).toEqual([
        [quoting.id, { fromUid: 'fg-y', channelId: 'fg-x', reply: { messageId: '1', fromUid: 'fg-x' } }],
        [others.id, JSON.parse(others.dataJson)],
        [similar.id, JSON.parse(similar.dataJson)],
      ]);
      await store.webhookOutbox.release('fg');
      await drain();
    });

    it('keeps the webhook URL the admin API set, until removed', async () => {
      expect(await store.webhookOutbox.endpoint()).toBeUndefined();
      await store.webhookOutbox.setEndpoint('https://hooks.example/parley', now);
      expect(await store.webhookOutbox.endpoint()).toBe('https://hooks.example/parley');
      await store.webhookOutbox.setEndpoint('', now);
      expect(await store.webhookOutbox.endpoint()).toBe('');
      await store.webhookOutbox.setEndpoint(undefined, now);
      expect(await store.webhookOutbox.endpoint()).toBeUndefined();
    });

    it('writes a commit’s message events with their seqs and recipients, and none for a duplicate', async () => {
      await store.channels.createGroup(
        { channelType: 2, channelId: 'wg', name: '', ownerUid: 'wa', allowHistory: false },
        ['wb', 'wc'],
        now,
      );
      await store.channels.createGroup({ channelType: 3, channelId: 'wsg', name: '', ownerUid: 'wa', allowHistory: false }, ['wb'], now);
      await drain();
      const seen: Array<{ messageSeq: number; recipients: readonly string[] }> = [];
      const report: EventsOf<{ messageSeq: number; recipients: readonly string[] }> = (stored) => {
        seen.push(stored);
        return [event(`seq-${stored.messageSeq}`, { type: 'message.sent' })];
      };
      const a = message({ fanout: p2p('wa', 'wb'), events: report });
      const b = message({ fanout: p2p('wa', 'wb'), events: report });
      const g = message({ channelType: 2, channelId: 'wg', fanout: { kind: 'members', conversationId: 'team|wg' }, events: report });
      const s = message({ channelType: 3, channelId: 'wsg', fanout: { kind: 'none', conversationId: 'super_team|wsg' }, events: report });
      const plain = message({ channelId: 'wa|wc', fanout: p2p('wa', 'wc') });
      const results = await store.messages.commit([a, b, g, plain, s]);
      expect(results.map((r) => r.status)).toEqual(['stored', 'stored', 'stored', 'stored', 'stored']);
      const seqs = results.map((r) => r.ack.messageSeq);
      expect(seen.map((x) => x.messageSeq)).toEqual([seqs[0], seqs[1], seqs[2], seqs[4]]);
      expect(seen.map((x) => [...x.recipients].sort())).toEqual([['wa', 'wb'], ['wa', 'wb'], ['wa', 'wb', 'wc'], []]);
      expect(await drainedCount()).toBe(4);
      // A resend is a duplicate: nothing stored, nothing reported.
      const again = await store.messages.commit([{ ...a, messageId: '1' }]);
      expect(again[0]?.status).toBe('duplicate');
      expect(seen).toHaveLength(4);
      expect(await drainedCount()).toBe(0);
    });

    it('stores neither the message nor its events when its events fail', async () => {
      const m = message({ fanout: p2p('wa', 'wd'), events: failing });
      await expect(store.messages.commit([m])).rejects.toThrow('events refused');
      expect(await store.messages.byClientMsgNo(m.fromUid, m.clientMsgNo)).toBeUndefined();
      expect(await drainedCount()).toBe(0);
    });

    it('reports revokes (the first only) and edits in their transactions', async () => {
      const [stored] = await store.messages.commit([message({ fanout: p2p('wa', 'wb') })]);
      const ref = { channelType: 1 as const, channelId: 'wa|wb', seq: stored?.ack.messageSeq ?? 0 };
      await expect(store.messageState.revoke(ref, 'wa', now, failing)).rejects.toThrow('events refused');
      expect((await store.messageState.byId(stored?.ack.messageId ?? ''))?.revokedAt).toBe(0);
      expect(await store.messageState.edit(ref, '{"type":1,"content":"x"}', now, 10, failing).catch((e: Error) => e.message)).toBe(
        'events refused',
      );
      expect((await store.messageState.byId(stored?.ack.messageId ?? ''))?.editCount).toBe(0);

      const edits: unknown[] = [];
      const edited = await store.messageState.edit(ref, '{"type":1,"content":"y"}', now + 1, 1, recording(edits, 'message.edited'));
      expect(edits).toEqual([edited]);
      expect(await store.messageState.edit(ref, '{"type":1,"content":"z"}', now + 2, 1, recording(edits, 'message.edited'))).toBe('limit');
      const revokes: unknown[] = [];
      const { message: revoked } = await store.messageState.revoke(ref, 'wa', now + 3, recording(revokes, 'message.revoked'));
      await store.messageState.revoke(ref, 'wa', now + 4, recording(revokes, 'message.revoked'));
      expect(revokes).toEqual([revoked]);
      expect(await drainedCount()).toBe(2);
    });

    it('reports conversation changes only when the row changed', async () => {
      const key = { channelType: 1 as const, channelId: 'wa|wb', conversationId: 'p2p|wb' };
      await expect(store.conversations.update('wa', key, { ext: 'failing' }, failing)).rejects.toThrow('events refused');
      expect((await store.conversations.get('wa', 'p2p|wb'))?.ext).toBe('');
      const rows: unknown[] = [];
      const { row } = await store.conversations.update('wa', key, { ext: 'note' }, recording(rows, 'conversation.x'));
      await store.conversations.update('wa', key, { ext: 'note' }, recording(rows, 'conversation.x'));
      expect(rows).toEqual([row]);
      expect(await drainedCount()).toBe(1);
    });

    it('reports group changes in their transactions, only when something changed', async () => {
      const g = { channelType: 2 as const, channelId: 'wg2' };
      const group = { ...g, name: 'W', ownerUid: 'wa', allowHistory: false };
      expect(await store.channels.createGroup(group, ['wb'], now, failing).catch((e: Error) => e.message)).toBe('events refused');
      expect(await store.channels.get(g)).toBeUndefined();
      const created: Array<readonly string[]> = [];
      expect(await store.channels.createGroup(group, ['wb', 'wa'], now, recording(created, 'group.created'))).toBe(true);
      expect(await store.channels.createGroup(group, ['wc'], now, recording(created, 'group.created'))).toBe(false);
      expect(created).toEqual([['wa', 'wb']]);

      const added: Array<readonly string[]> = [];
      await expect(store.channels.addMembers(g, ['wc'], now, failing)).rejects.toThrow('events refused');
      expect(await store.channels.member(g, 'wc')).toBeUndefined();
      expect(await store.channels.addMembers(g, ['wb', 'wc'], now, recording(added, 'group.members_added'))).toEqual(['wc']);
      await store.channels.addMembers(g, ['wc'], now, recording(added, 'group.members_added'));
      expect(added).toEqual([['wc']]);

      const removed: Array<readonly string[]> = [];
      await expect(store.channels.removeMembers(g, ['wc'], failing)).rejects.toThrow('events refused');
      expect(await store.channels.removeMembers(g, ['wc', 'wd'], recording(removed, 'group.members_removed'))).toEqual(['wc']);
      await store.channels.removeMembers(g, ['wc'], recording(removed, 'group.members_removed'));
      expect(removed).toEqual([['wc']]);

      const updates: unknown[] = [];
      await expect(store.channels.update(g, { name: 'failing' }, now, failing)).rejects.toThrow('events refused');
      expect((await store.channels.get(g))?.name).toBe('W');
      await store.channels.update(g, { dismissed: true }, now, recording(updates, 'group.dismissed'));
      await store.channels.update({ channelType: 2, channelId: 'no-such' }, { name: 'x' }, now, recording(updates, 'group.updated'));
      expect(updates).toHaveLength(1);

      const owners: string[] = [];
      await expect(store.channels.transferOwner(g, 'wb', failing)).rejects.toThrow('events refused');
      expect((await store.channels.get(g))?.ownerUid).toBe('wa');
      await store.channels.transferOwner(g, 'wb', recording(owners, 'group.owner_transferred'));
      await store.channels.transferOwner(g, 'wb', recording(owners, 'group.owner_transferred'));
      expect(owners).toEqual(['wa']);

      // Roles (the owner's never set), a member's mute (not a non-member's), the whitelist (every time).
      const roles: Array<readonly string[]> = [];
      await expect(store.channels.setRole(g, ['wa'], 1, failing)).rejects.toThrow('events refused');
      expect((await store.channels.member(g, 'wa'))?.role).toBe(1);
      expect(await store.channels.setRole(g, ['wb'], 0, recording(roles, 'group.roles_set'))).toEqual([]);
      expect(await store.channels.setRole(g, ['wa', 'wd'], 0, recording(roles, 'group.roles_set'))).toEqual(['wa']);
      expect(roles).toEqual([['wa']]);
      const mutes: unknown[] = [];
      await expect(store.channels.setMemberMute(g, 'wa', -1, failing)).rejects.toThrow('events refused');
      expect((await store.channels.member(g, 'wa'))?.mutedUntil).toBe(0);
      expect(await store.channels.setMemberMute(g, 'wd', -1, recording(mutes, 'group.member_muted'))).toBe(false);
      expect(await store.channels.setMemberMute(g, 'wa', -1, recording(mutes, 'group.member_muted'))).toBe(true);
      expect(mutes).toHaveLength(1);
      const lists: unknown[] = [];
      await expect(store.channels.setWhitelist(g, ['wa'], failing)).rejects.toThrow('events refused');
      expect(await store.channels.whitelist(g)).toEqual([]);
      await store.channels.setWhitelist(g, ['wa'], recording(lists, 'group.whitelist_set'));
      await store.channels.setWhitelist(g, ['wa'], recording(lists, 'group.whitelist_set'));
      expect(lists).toHaveLength(2);
      const retention: unknown[] = [];
      await expect(store.retention.setDays(g, 30, 1, failing)).rejects.toThrow('events refused');
      expect((await store.channels.get(g))?.retentionDays).toBeNull();
      expect(await store.retention.setDays({ ...g, channelId: 'no-such-group' }, 30, 1, recording(retention, 'group.retention_set'))).toBe(
        false,
      );
      expect(await store.retention.setDays(g, 30, 1, recording(retention, 'group.retention_set'))).toBe(true);
      expect(retention).toHaveLength(1);
      expect(await drainedCount()).toBe(10);
    });

    it('keeps the order of one write’s events of an order key, also while other writes race with it', async () => {
      const batches = Array.from({ length: 20 }, (_, i) => [event('ordered', { id: `o${i}a` }), event('ordered', { id: `o${i}b` })]);
      await Promise.all(batches.map((b) => store.webhookOutbox.append(b)));
      const ids = await drain();
      expect(ids).toHaveLength(40);
      for (const b of batches) expect(ids.indexOf(b[1]?.id ?? '')).toBeGreaterThan(ids.indexOf(b[0]?.id ?? ''));
    });
  });

  if (!openNodes) return;
  describe(`storage contract: ${name}: webhook outbox leases across nodes`, () => {
    it('hands each event to one node at a time when several claim at once', async () => {
      const nodes = await openNodes(3);
      try {
        const [first] = nodes as [Storage];
        const events = Array.from({ length: 300 }, (_, i) => ({
          id: `race${i}`,
          type: 'test.event',
          orderKey: `k${i % 40}`,
          createdAt: 1,
          dataJson: '{}',
        }));
        await first.webhookOutbox.append(events);
        const delivered: string[] = [];
        const options = { leaseMs: 60_000, maxLanes: 8, maxEvents: 20 };
        await Promise.all(
          nodes.map(async (node, i) => {
            for (let idle = 0; idle < 3; ) {
              const c = await node.webhookOutbox.claim(`node${i}`, 1000, options);
              if (!c.lanes.length) {
                idle++;
                continue;
              }
              idle = 0;
              delivered.push(...c.events.map((e) => e.id));
              await node.webhookOutbox.delivered(
                `node${i}`,
                c.lanes,
                c.events.map((e) => e.position),
              );
            }
          }),
        );
        // Whatever is left (a node gave up while another held a lane) goes now.
        for (;;) {
          const c = await first.webhookOutbox.claim('last', 1000, { ...options, maxLanes: 64, maxEvents: 1000 });
          if (!c.lanes.length) break;
          delivered.push(...c.events.map((e) => e.id));
          await first.webhookOutbox.delivered(
            'last',
            c.lanes,
            c.events.map((e) => e.position),
          );
        }
        expect(delivered.length).toBe(events.length);
        expect(new Set(delivered).size).toBe(events.length);
      } finally {
        await Promise.all(nodes.map((node) => node.close()));
      }
    });
  });
}

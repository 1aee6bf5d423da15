import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageMaker, p2pFanout } from './contract-fixtures.js';
import { type ConversationRow, type Fanout, isListedRow, type ListQuery, refKey, type Storage, type StoredMessage } from './index.js';
import { runPresenceContract } from './presence.contract.js';
import { runRetentionContract } from './retention.contract.js';
import { runSearchContract } from './search.contract.js';
import { runConcurrencyContract } from './storage-concurrency.contract.js';
import { runStreamsContract } from './streams.contract.js';
import { runSyncOnceContract } from './sync-once.contract.js';
import { runUserDataContract } from './user-data.contract.js';
import { runWebhookOutboxContract } from './webhook-outbox.contract.js';

export interface StorageContractOptions {
  /**
   * For a backend that several server nodes can share: `count` stores opened at once on one fresh,
   * empty data set, as that many nodes would open it. The concurrency rules then race across them;
   * without it they race on one store from `open`.
   */
  openNodes?: (count: number) => Promise<Storage[]>;
}

/**
 * The storage contract: every backend runs this same suite (see sqlite.test.ts, postgres.test.ts),
 * a test for each rule the ports state (ports/storage/*.ts). `open` must hand out an empty store each time.
 */
export function runStorageContract(name: string, open: () => Promise<Storage>, options: StorageContractOptions = {}): void {
  const { openNodes } = options;
  runConcurrencyContract(
    `storage contract under concurrency: ${name}${openNodes ? ' (3 nodes on one data set)' : ' (one store)'}`,
    openNodes
      ? async () => {
          const nodes = await openNodes(3);
          return { nodes, close: async () => void (await Promise.all(nodes.map((n) => n.close()))) };
        }
      : async () => {
          const store = await open();
          return { nodes: [store], close: () => store.close() };
        },
  );
  runSyncOnceContract(name, open);
  runRetentionContract(name, open, openNodes);
  runUserDataContract(name, open);
  runWebhookOutboxContract(name, open, openNodes);
  runPresenceContract(name, open);
  runSearchContract(name, open);
  runStreamsContract(name, open);
  describe(`storage contract: ${name}`, () => {
    let store: Storage;
    const now = 1_700_000_000_000;
    const msg = messageMaker({ channelId: 'a|b', fromUid: 'a', firstId: 1_000_000, clientPrefix: 'c', now });
    const p2p = p2pFanout;
    const pair = (x: string, y: string) => (x < y ? `${x}|${y}` : `${y}|${x}`);
    /** Messages in one order whatever order a store hands them out in (by position, code point order). */
    const byPosition = (ms: readonly StoredMessage[]) => {
      const position = (m: StoredMessage) => `${m.channelType}|${m.channelId}|${m.messageSeq}`;
      return [...ms].sort((x, y) => (position(x) < position(y) ? -1 : 1));
    };
    /** The stored messages at the rows' lastSeq, where they have one. */
    const atLastSeq = (rows: readonly ConversationRow[]) =>
      store.messages.bySeqs(rows.filter((r) => r.lastSeq > 0).map((r) => ({ ...r, seq: r.lastSeq })));
    /** `page`, checking on the way that `pageWithLastMessages` reads the same rows and the messages at their lastSeq. */
    const pageOf = async (uid: string, query: ListQuery): Promise<ConversationRow[]> => {
      const rows = await store.conversations.page(uid, query);
      const read = await store.conversations.pageWithLastMessages(uid, query);
      expect(read.rows).toEqual(rows);
      expect(byPosition(read.lastMessages)).toEqual(byPosition(await atLastSeq(rows)));
      return rows;
    };

    beforeAll(async () => {
      store = await open();
      for (const uid of ['a', 'b', 'c', 'd', 'owner', 'm1', 'm2', 'm3']) await store.users.upsert(uid, {}, now);
    });
    afterAll(async () => {
      await store?.close();
    });

    it('closes idempotently', async () => {
      const other = await open();
      await other.close();
      await other.close();
    });

    describe('users', () => {
      it('creates a user and then changes only the fields given', async () => {
        const created = await store.users.upsert('u1', { name: 'One', ext: 'x' }, now);
        expect(created).toMatchObject({ uid: 'u1', name: 'One', avatar: '', ext: 'x', createdAt: now });
        const updated = await store.users.upsert('u1', { avatar: 'http://a/p.png' }, now + 5);
        expect(updated).toMatchObject({ name: 'One', avatar: 'http://a/p.png', ext: 'x', createdAt: now, updatedAt: now + 5 });
        expect(await store.users.get('U1')).toBeUndefined();
      });

      it('registers many users at once, updating existing ones', async () => {
        expect(await store.users.upsertMany([{ uid: 'many-1' }, { uid: 'many-2', name: 'Two' }, { uid: 'u1', ext: 'y' }], now)).toBe(3);
        expect((await store.users.existing(['many-1', 'many-2'])).sort()).toEqual(['many-1', 'many-2']);
        expect(await store.users.get('u1')).toMatchObject({ name: 'One', ext: 'y' });
      });

      it('reports which uids exist, case-sensitively', async () => {
        expect((await store.users.existing(['a', 'A', 'nobody', 'b'])).sort()).toEqual(['a', 'b']);
      });

      it('reports whether a peer exists and has blocked the sender', async () => {
        await store.users.addToBlacklist('b', ['c'], now);
        expect(await store.users.personSendFacts('c', 'b')).toEqual({ peerExists: true, blockedByPeer: true, senderBanned: false });
        expect(await store.users.personSendFacts('a', 'b')).toEqual({ peerExists: true, blockedByPeer: false, senderBanned: false });
        expect(await store.users.personSendFacts('b', 'c')).toEqual({ peerExists: true, blockedByPeer: false, senderBanned: false });
        expect(await store.users.personSendFacts('a', 'ghost')).toEqual({ peerExists: false, blockedByPeer: false, senderBanned: false });
        await store.users.removeFromBlacklist('b', ['c']);
      });

      it('answers many permission checks asked at once each with its own facts', async () => {
        await store.users.addToBlacklist('b', ['c'], now);
        const asked: Array<[string, string]> = [
          ['c', 'b'],
          ['a', 'b'],
          ['a', 'ghost'],
          ['b', 'c'],
          ['c', 'b'],
        ];
        expect(await Promise.all(asked.map(([sender, peer]) => store.users.personSendFacts(sender, peer)))).toEqual([
          { peerExists: true, blockedByPeer: true, senderBanned: false },
          { peerExists: true, blockedByPeer: false, senderBanned: false },
          { peerExists: false, blockedByPeer: false, senderBanned: false },
          { peerExists: true, blockedByPeer: false, senderBanned: false },
          { peerExists: true, blockedByPeer: true, senderBanned: false },
        ]);
        await store.users.removeFromBlacklist('b', ['c']);
        // A check asked after the change sees it.
        expect(await store.users.personSendFacts('c', 'b')).toEqual({ peerExists: true, blockedByPeer: false, senderBanned: false });
      });

      it('answers a permission check asked after any write that changes its facts with the write', async () => {
        // Each check is asked before the write too: a store that keeps the facts must forget them.
        const facts = () => store.users.personSendFacts('fc-a', 'fc-b');
        await store.users.upsert('fc-a', {}, now);
        expect(await facts()).toEqual({ peerExists: false, blockedByPeer: false, senderBanned: false });
        await store.users.upsert('fc-b', {}, now);
        expect(await facts()).toEqual({ peerExists: true, blockedByPeer: false, senderBanned: false });
        await store.users.addToBlacklist('fc-b', ['fc-a'], now);
        expect(await facts()).toEqual({ peerExists: true, blockedByPeer: true, senderBanned: false });
        await store.users.removeFromBlacklist('fc-b', ['fc-a']);
        expect(await facts()).toEqual({ peerExists: true, blockedByPeer: false, senderBanned: false });
        await store.users.setBanned('fc-a', true, now);
        expect(await facts()).toEqual({ peerExists: true, blockedByPeer: false, senderBanned: true });
        await store.users.setBanned('fc-a', false, now);
        expect(await facts()).toEqual({ peerExists: true, blockedByPeer: false, senderBanned: false });

        expect((await store.users.personSendFacts('fc-a', 'fc-c')).peerExists).toBe(false);
        await store.users.upsertMany([{ uid: 'fc-c' }], now);
        expect((await store.users.personSendFacts('fc-a', 'fc-c')).peerExists).toBe(true);

        // An erasure: the user goes at once, its blacklist rows with its own rows.
        await store.users.addToBlacklist('fc-b', ['fc-a'], now);
        expect(await facts()).toEqual({ peerExists: true, blockedByPeer: true, senderBanned: false });
        await store.userData.beginErasure('fc-b', now);
        expect(await facts()).toEqual({ peerExists: false, blockedByPeer: true, senderBanned: false });
        await store.userData.removeOwnRows('fc-b', 100);
        expect(await facts()).toEqual({ peerExists: false, blockedByPeer: false, senderBanned: false });
      });

      it('bans and unbans a user, keeping the first ban time, and says so where sends and tokens look', async () => {
        await store.users.upsert('ban-x', { name: 'X' }, now);
        await store.channels.createGroup(
          { channelType: 2, channelId: 'ban-g', name: 'B', ownerUid: 'ban-x', allowHistory: false },
          [],
          now,
        );
        const g = { channelType: 2 as const, channelId: 'ban-g' };
        expect(await store.users.tokenStanding('ban-x')).toEqual({ erasedAt: undefined, bannedAt: 0, tokensRevokedAt: 0 });

        expect(await store.users.setBanned('ban-x', true, now + 10)).toMatchObject({
          uid: 'ban-x',
          name: 'X',
          bannedAt: now + 10,
          updatedAt: now,
        });
        expect(await store.users.setBanned('ban-x', true, now + 20)).toMatchObject({ bannedAt: now + 10 });
        expect(await store.users.get('ban-x')).toMatchObject({ bannedAt: now + 10 });
        expect(await store.users.tokenStanding('ban-x')).toEqual({ erasedAt: undefined, bannedAt: now + 10, tokensRevokedAt: 0 });
        expect(await store.users.personSendFacts('ban-x', 'a')).toEqual({ peerExists: true, blockedByPeer: false, senderBanned: true });
        // Only the sender's ban counts: sending to a banned user is the peer's business.
        expect(await store.users.personSendFacts('a', 'ban-x')).toEqual({ peerExists: true, blockedByPeer: false, senderBanned: false });
        expect(await store.channels.groupSendFacts(g, 'ban-x')).toMatchObject({ senderBanned: true, member: { uid: 'ban-x' } });
        expect(await store.channels.groupSendFacts(g, 'a')).toMatchObject({ senderBanned: false });

        expect(await store.users.setBanned('ban-x', false, now + 30)).toMatchObject({ bannedAt: 0, updatedAt: now });
        expect(await store.users.tokenStanding('ban-x')).toEqual({ erasedAt: undefined, bannedAt: 0, tokensRevokedAt: 0 });
        expect((await store.users.personSendFacts('ban-x', 'a')).senderBanned).toBe(false);
        expect((await store.channels.groupSendFacts(g, 'ban-x')).senderBanned).toBe(false);
        // Unbanning an unbanned user changes nothing; a new ban starts a new time.
        expect(await store.users.setBanned('ban-x', false, now + 40)).toMatchObject({ bannedAt: 0 });
        expect(await store.users.setBanned('ban-x', true, now + 50)).toMatchObject({ bannedAt: now + 50 });
        await store.users.setBanned('ban-x', false, now + 60);
      });

      it('bans nobody unknown, and reads an erasure and a ban for a token check in one answer', async () => {
        expect(await store.users.setBanned('ban-ghost', true, now)).toBeUndefined();
        expect(await store.users.get('ban-ghost')).toBeUndefined();
        expect(await store.users.tokenStanding('ban-ghost')).toEqual({ erasedAt: undefined, bannedAt: 0, tokensRevokedAt: 0 });
        expect((await store.users.personSendFacts('ban-ghost', 'a')).senderBanned).toBe(false);
        // An erased user: the record is gone with its ban, the erasure time stays.
        await store.users.upsert('ban-er', {}, now);
        await store.users.setBanned('ban-er', true, now + 1);
        await store.userData.beginErasure('ban-er', now + 5);
        expect(await store.users.tokenStanding('ban-er')).toEqual({ erasedAt: now + 5, bannedAt: 0, tokensRevokedAt: 0 });
      });

      it('revokes tokens up to a time that never moves back, and nobody unknown', async () => {
        await store.users.upsert('rv-x', {}, now);
        expect(await store.users.revokeTokens('rv-x', now + 10)).toBe(true);
        expect(await store.users.revokeTokens('rv-x', now + 5)).toBe(true);
        expect(await store.users.tokenStanding('rv-x')).toEqual({ erasedAt: undefined, bannedAt: 0, tokensRevokedAt: now + 10 });
        expect(await store.users.revokeTokens('rv-ghost', now)).toBe(false);
        expect(await store.users.get('rv-ghost')).toBeUndefined();
      });

      it('keeps blacklists idempotent and sorted', async () => {
        await store.users.addToBlacklist('a', ['d', 'c', 'd'], now);
        await store.users.addToBlacklist('a', ['c'], now);
        expect(await store.users.blacklist('a')).toEqual(['c', 'd']);
        await store.users.removeFromBlacklist('a', ['c', 'zz']);
        expect(await store.users.blacklist('a')).toEqual(['d']);
        await store.users.removeFromBlacklist('a', ['d']);
      });

      it('applies upsertMany in array order: a uid given twice ends with the later fields over the earlier', async () => {
        expect(
          await store.users.upsertMany(
            [
              { uid: 'twice', name: 'A', ext: 'x' },
              { uid: 'twice', name: 'B' },
            ],
            now,
          ),
        ).toBe(2);
        expect(await store.users.get('twice')).toMatchObject({ name: 'B', avatar: '', ext: 'x', createdAt: now, updatedAt: now });
        await store.users.upsertMany(
          [
            { uid: 'twice', avatar: 'p' },
            { uid: 'twice', name: 'C' },
          ],
          now + 1,
        );
        expect(await store.users.get('twice')).toMatchObject({ name: 'C', avatar: 'p', ext: 'x', createdAt: now, updatedAt: now + 1 });
      });

      it('sorts ids by code point, never by locale, and keeps case apart', async () => {
        await store.users.addToBlacklist('cp-owner', ['b', 'é', 'B', 'a', 'Z', 'A'], now);
        // A locale collation would give a, A, b, B, é, Z.
        expect(await store.users.blacklist('cp-owner')).toEqual(['A', 'B', 'Z', 'a', 'b', 'é']);
        const g = { channelType: 2 as const, channelId: 'cp-grp' };
        await store.channels.createGroup({ ...g, name: '', ownerUid: 'b', allowHistory: false }, ['é', 'B', 'a'], now);
        await store.channels.setWhitelist(g, ['b', 'é', 'B', 'a']);
        expect(await store.channels.whitelist(g)).toEqual(['B', 'a', 'b', 'é']);
        // Joined at one time: the uid breaks the tie.
        expect((await store.channels.members(g)).map((m) => m.uid)).toEqual(['B', 'a', 'b', 'é']);
      });
      it('lists users by uid prefix in code point order, in keyset pages that skip and repeat nobody', async () => {
        const uids = ['ls-b', 'ls-a', 'ls-B', 'ls-a.1', 'ls-a-2', 'ls-ab', 'ls-c', 'ls', 'lt-a', 'lr-z'];
        for (const uid of uids) await store.users.upsert(uid, { name: uid.toUpperCase() }, now);
        const ids = async (prefix: string, after: string | undefined, limit: number) =>
          (await store.users.list({ prefix, after, limit })).map((u) => u.uid);
        // Code point order: '-' < '.' < 'B' < 'a'; case-sensitive; 'ls' itself starts with 'ls'.
        const all = ['ls', 'ls-B', 'ls-a', 'ls-a-2', 'ls-a.1', 'ls-ab', 'ls-b', 'ls-c'];
        expect(await ids('ls', undefined, 100)).toEqual(all);
        expect(await ids('ls-a', undefined, 100)).toEqual(['ls-a', 'ls-a-2', 'ls-a.1', 'ls-ab']);
        expect(await ids('ls-A', undefined, 100)).toEqual([]);
        expect(await ids('ls-a.', undefined, 100)).toEqual(['ls-a.1']);
        expect(await store.users.list({ prefix: 'ls-c', after: undefined, limit: 5 })).toEqual([
          { uid: 'ls-c', name: 'LS-C', avatar: '', ext: '', createdAt: now, updatedAt: now, bannedAt: 0 },
        ]);
        // Pages of three, each starting after the last of the one before.
        const pages: string[][] = [];
        let after: string | undefined;
        for (;;) {
          const page = await ids('ls', after, 3);
          pages.push(page);
          if (page.length < 3) break;
          after = page.at(-1);
          // A user added meanwhile, before the cursor, does not shift the next page.
          await store.users.upsert(`ls-0${pages.length}`, {}, now);
        }
        expect(pages).toEqual([all.slice(0, 3), all.slice(3, 6), all.slice(6)]);
        // A cursor below the prefix starts at the prefix; one past it ends the list.
        expect(await ids('ls-a', 'ls-B', 2)).toEqual(['ls-a', 'ls-a-2']);
        expect(await ids('ls-a', 'ls-b', 2)).toEqual([]);
        // No prefix: every user, in order, from the cursor on.
        const everyone = await ids('', undefined, 10_000);
        expect(everyone).toEqual([...everyone].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
        expect(everyone).toEqual(expect.arrayContaining([...uids, 'a', 'owner']));
        expect(await ids('', 'ls-b', 2)).toEqual(everyone.slice(everyone.indexOf('ls-b') + 1, everyone.indexOf('ls-b') + 3));
      });
    });

    describe('channels', () => {
      const g = { channelType: 2 as const, channelId: 'grp' };

      it('creates a group with its owner and members, and refuses a taken id of either group type', async () => {
        expect(await store.channels.createGroup({ ...g, name: 'G', ownerUid: 'owner', allowHistory: false }, ['m1', 'm2', 'm1'], now)).toBe(
          true,
        );
        expect(
          await store.channels.createGroup({ channelType: 3, channelId: 'grp', name: 'X', ownerUid: 'a', allowHistory: false }, [], now),
        ).toBe(false);
        const ch = await store.channels.get(g);
        expect(ch).toMatchObject({ name: 'G', ownerUid: 'owner', memberCount: 3, maxSeq: 0, dismissed: false });
        expect(await store.channels.findGroup('grp')).toMatchObject({ channelType: 2 });
        expect((await store.channels.member(g, 'owner'))?.role).toBe(2);
      });

      it('adds and removes members idempotently and keeps memberCount exact', async () => {
        expect(await store.channels.addMembers(g, ['m2', 'm3'], now)).toEqual(['m3']);
        expect(await store.channels.removeMembers(g, ['m3', 'nobody'])).toEqual(['m3']);
        expect((await store.channels.get(g))?.memberCount).toBe(3);
        expect((await store.channels.members(g)).map((m) => m.uid).sort()).toEqual(['m1', 'm2', 'owner']);
        // Everyone joined at `now`: the uid breaks the tie, so a limited read is a stable prefix.
        expect((await store.channels.members(g, 2)).map((m) => m.uid)).toEqual(['m1', 'm2']);
      });

      it('returns the uids added and removed in the order named, each once; nothing for an unknown channel', async () => {
        expect(await store.channels.addMembers(g, ['m5', 'm4', 'm5', 'm1'], now)).toEqual(['m5', 'm4']);
        expect((await store.channels.member(g, 'm4'))?.role).toBe(0);
        expect(await store.channels.removeMembers(g, ['m4', 'nobody', 'm5', 'm4'])).toEqual(['m4', 'm5']);
        expect((await store.channels.get(g))?.memberCount).toBe(3);
        const unknown = { channelType: 2 as const, channelId: 'no-such-group' };
        expect(await store.channels.addMembers(unknown, ['m1'], now)).toEqual([]);
        expect(await store.channels.removeMembers(unknown, ['m1'])).toEqual([]);
        expect(await store.channels.member(unknown, 'm1')).toBeUndefined();
        await store.channels.update(unknown, { name: 'x' }, now);
        expect(await store.channels.get(unknown)).toBeUndefined();
      });

      it("adds the owner once when also named a member, and starts members at the channel's maxSeq", async () => {
        const g2 = { channelType: 2 as const, channelId: 'grp-owner-named' };
        expect(
          await store.channels.createGroup({ ...g2, name: '', ownerUid: 'owner', allowHistory: false }, ['owner', 'm1', 'm1'], now),
        ).toBe(true);
        expect((await store.channels.get(g2))?.memberCount).toBe(2);
        expect(await store.channels.member(g2, 'owner')).toMatchObject({ role: 2, joinSeq: 0, joinedAt: now });
        expect(await store.channels.createGroup({ ...g2, name: 'again', ownerUid: 'a', allowHistory: true }, ['b'], now)).toBe(false);
        expect(await store.channels.get(g2)).toMatchObject({ name: '', ownerUid: 'owner', memberCount: 2, allowHistory: false });
        expect(await store.channels.member(g2, 'b')).toBeUndefined();
      });

      it('sets roles without demoting the owner and transfers ownership atomically', async () => {
        expect(await store.channels.setRole(g, ['m1', 'owner', 'nobody'], 1)).toEqual(['m1']);
        await store.channels.transferOwner(g, 'm2');
        expect((await store.channels.get(g))?.ownerUid).toBe('m2');
        expect((await store.channels.member(g, 'm2'))?.role).toBe(2);
        expect((await store.channels.member(g, 'owner'))?.role).toBe(1);
        await store.channels.transferOwner(g, 'owner');
        // To the owner already: nothing changes.
        await store.channels.transferOwner(g, 'owner');
        expect((await store.channels.get(g))?.ownerUid).toBe('owner');
        expect((await store.channels.member(g, 'owner'))?.role).toBe(2);
        expect((await store.channels.member(g, 'm2'))?.role).toBe(1);
      });

      it('mutes a member, replaces the whitelist and reports send facts', async () => {
        expect(await store.channels.setMemberMute(g, 'm1', -1)).toBe(true);
        expect(await store.channels.setMemberMute(g, 'nobody', -1)).toBe(false);
        // A member: true even when nothing changes.
        expect(await store.channels.setMemberMute(g, 'm1', -1)).toBe(true);
        await store.channels.setWhitelist(g, ['m2', 'owner']);
        await store.channels.setWhitelist(g, ['m2']);
        expect(await store.channels.whitelist(g)).toEqual(['m2']);
        const facts = await store.channels.groupSendFacts(g, 'm1');
        expect(facts).toMatchObject({
          whitelistSize: 1,
          senderWhitelisted: false,
          senderBanned: false,
          member: { uid: 'm1', mutedUntil: -1 },
        });
        expect((await store.channels.groupSendFacts(g, 'm2')).senderWhitelisted).toBe(true);
        expect((await store.channels.groupSendFacts({ channelType: 2, channelId: 'none' }, 'm1')).channel).toBeUndefined();
        await store.channels.setWhitelist(g, []);
        await store.channels.setMemberMute(g, 'm1', 0);
      });

      it('answers many group permission checks asked at once each with its own facts, and a later check sees a change', async () => {
        await store.channels.setWhitelist(g, ['m2']);
        const asked: Array<[{ channelType: 2 | 3; channelId: string }, string]> = [
          [g, 'm1'],
          [{ channelType: 2, channelId: 'none' }, 'm1'],
          [g, 'm2'],
          [g, 'stranger'],
          [{ channelType: 3, channelId: 'grp' }, 'm1'],
          [g, 'm1'],
        ];
        const alone = [];
        for (const [key, uid] of asked) alone.push(await store.channels.groupSendFacts(key, uid));
        const together = await Promise.all(asked.map(([key, uid]) => store.channels.groupSendFacts(key, uid)));
        expect(together).toEqual(alone);
        expect(together.map((f) => [f.channel?.channelId, f.member?.uid, f.whitelistSize, f.senderWhitelisted])).toEqual([
          ['grp', 'm1', 1, false],
          [undefined, undefined, 0, false],
          ['grp', 'm2', 1, true],
          ['grp', undefined, 1, false],
          [undefined, undefined, 0, false],
          ['grp', 'm1', 1, false],
        ]);
        await store.channels.setWhitelist(g, []);
        const after = await Promise.all([store.channels.groupSendFacts(g, 'm1'), store.channels.groupSendFacts(g, 'm2')]);
        expect(after.map((f) => [f.member?.uid, f.whitelistSize, f.senderWhitelisted])).toEqual([
          ['m1', 0, false],
          ['m2', 0, false],
        ]);
      });

      it('patches group flags', async () => {
        await store.channels.update(g, { name: 'G2', muteAll: true, banned: false }, now + 1);
        expect(await store.channels.get(g)).toMatchObject({ name: 'G2', muteAll: true, banned: false, allowHistory: false });
        await store.channels.update(g, { muteAll: false }, now + 2);
      });

      it('lists groups and super groups by id prefix in code point order, never person channels', async () => {
        for (const [channelType, channelId] of [
          [2, 'lg-b'],
          [3, 'lg-a'],
          [2, 'lg-B'],
          [3, 'lg-a.x'],
          [2, 'lh-a'],
        ] as const)
          await store.channels.createGroup({ channelType, channelId, name: channelId, ownerUid: 'a', allowHistory: false }, ['b'], now);
        await store.channels.update({ channelType: 2, channelId: 'lg-b' }, { dismissed: true }, now);
        // A person channel whose id would match the prefix.
        await store.users.upsertMany([{ uid: 'lg-p' }, { uid: 'lg-q' }], now);
        await store.messages.commit([msg({ channelId: pair('lg-p', 'lg-q'), fromUid: 'lg-p', fanout: p2p('lg-p', 'lg-q') })]);
        expect(await store.channels.get({ channelType: 1, channelId: 'lg-p|lg-q' })).toBeDefined();
        const ids = async (prefix: string, after: string | undefined, limit: number) =>
          (await store.channels.listGroups({ prefix, after, limit })).map((c) => `${c.channelType}:${c.channelId}`);
        expect(await ids('lg', undefined, 100)).toEqual(['2:lg-B', '3:lg-a', '3:lg-a.x', '2:lg-b']);
        expect(await ids('lg', undefined, 2)).toEqual(['2:lg-B', '3:lg-a']);
        expect(await ids('lg', 'lg-a', 2)).toEqual(['3:lg-a.x', '2:lg-b']);
        expect(await ids('lg', 'lg-b', 2)).toEqual([]);
        expect(await ids('lg-a', undefined, 100)).toEqual(['3:lg-a', '3:lg-a.x']);
        expect((await store.channels.listGroups({ prefix: 'lg-b', after: undefined, limit: 1 }))[0]).toMatchObject({
          channelType: 2,
          channelId: 'lg-b',
          name: 'lg-b',
          ownerUid: 'a',
          memberCount: 2,
          dismissed: true,
        });
        const everything = await ids('', undefined, 10_000);
        expect(everything.filter((id) => id.startsWith('1:'))).toEqual([]);
        expect(everything).toEqual(expect.arrayContaining(['2:grp', '2:lh-a', '3:lg-a']));
        const byId = everything.map((id) => id.slice(2));
        expect(byId).toEqual([...byId].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
      });

      it("lists a user's groups with the member's role and mute, in id order, up to a limit", async () => {
        await store.channels.createGroup(
          { channelType: 2, channelId: 'uo-2', name: 'Two', ownerUid: 'uo-u', allowHistory: false },
          [],
          now,
        );
        await store.channels.createGroup(
          { channelType: 3, channelId: 'uo-1', name: 'One', ownerUid: 'a', allowHistory: false },
          ['uo-u'],
          now,
        );
        await store.channels.createGroup(
          { channelType: 2, channelId: 'uo-3', name: '', ownerUid: 'a', allowHistory: false },
          ['uo-u'],
          now,
        );
        await store.channels.setRole({ channelType: 2, channelId: 'uo-3' }, ['uo-u'], 1);
        await store.channels.setMemberMute({ channelType: 3, channelId: 'uo-1' }, 'uo-u', -1);
        expect(await store.channels.groupsOf('uo-u', 10)).toEqual([
          { channelType: 3, channelId: 'uo-1', name: 'One', role: 0, mutedUntil: -1 },
          { channelType: 2, channelId: 'uo-2', name: 'Two', role: 2, mutedUntil: 0 },
          { channelType: 2, channelId: 'uo-3', name: '', role: 1, mutedUntil: 0 },
        ]);
        expect((await store.channels.groupsOf('uo-u', 2)).map((g) => g.channelId)).toEqual(['uo-1', 'uo-2']);
        await store.channels.removeMembers({ channelType: 2, channelId: 'uo-2' }, ['uo-u']);
        expect((await store.channels.groupsOf('uo-u', 10)).map((g) => g.channelId)).toEqual(['uo-1', 'uo-3']);
        expect(await store.channels.groupsOf('nobody', 10)).toEqual([]);
      });

      it('lists the super groups of a user', async () => {
        await store.channels.createGroup({ channelType: 3, channelId: 'sg-list', name: '', ownerUid: 'c', allowHistory: true }, ['d'], now);
        expect(await store.channels.superGroupsOf('d')).toEqual(['sg-list']);
        expect(await store.channels.superGroupsOf('m1')).toEqual([]);
      });
    });

    describe('messages', () => {
      it('numbers a person channel from 1, contiguously, in batch order', async () => {
        const ch = pair('a', 'b');
        const results = await store.messages.commit([
          msg({ channelId: ch, fanout: p2p('a', 'b') }),
          msg({ channelId: ch, fromUid: 'b', fanout: p2p('b', 'a') }),
          msg({ channelId: ch, fanout: p2p('a', 'b') }),
        ]);
        expect(results.map((r) => r.status)).toEqual(['stored', 'stored', 'stored']);
        expect(results.map((r) => r.ack.messageSeq)).toEqual([1, 2, 3]);
        const stored = await store.messages.range({ channelType: 1, channelId: ch }, 1, 10);
        expect(stored.map((m) => m.messageSeq)).toEqual([1, 2, 3]);
        expect(stored[1]).toMatchObject({ fromUid: 'b', contentType: 1, redDot: true });
        expect((await store.channels.get({ channelType: 1, channelId: ch }))?.maxSeq).toBe(3);
      });

      it('answers a repeated (fromUid, clientMsgNo) with the first ack, in one batch and across batches', async () => {
        const ch = pair('a', 'c');
        const first = msg({ channelId: ch, clientMsgNo: 'same', fanout: p2p('a', 'c') });
        const [r1, r2] = await store.messages.commit([first, { ...first, messageId: '999', timestamp: first.timestamp + 1 }]);
        expect(r1?.status).toBe('stored');
        expect(r2).toEqual({ status: 'duplicate', ack: r1?.ack });
        const [r3] = await store.messages.commit([{ ...first, messageId: '998' }]);
        expect(r3).toEqual({ status: 'duplicate', ack: r1?.ack });
        expect(await store.messages.count({ channelType: 1, channelId: ch })).toBe(1);
        expect((await store.messages.byClientMsgNo('a', 'same'))?.messageId).toBe(first.messageId);
        expect(await store.messages.byClientMsgNo('A', 'same')).toBeUndefined();
      });

      it('numbers a mixed batch per channel in batch order: resends take no seq, ordinals count red-dot messages only', async () => {
        const sg = { channelType: 3 as const, channelId: 'sg-mixed' };
        for (const u of ['mx-a', 'mx-b', 'mx-c']) await store.users.upsert(u, {}, now);
        await store.channels.createGroup({ ...sg, name: '', ownerUid: 'mx-a', allowHistory: true }, ['mx-b'], now);
        const ab = pair('mx-a', 'mx-b');
        const ac = pair('mx-a', 'mx-c');
        const fanout: Fanout = { kind: 'none', conversationId: 'super_team|sg-mixed' };
        const first = msg({ channelId: ab, fromUid: 'mx-a', fanout: p2p('mx-a', 'mx-b') });
        await store.messages.commit([first]);
        const r = await store.messages.commit([
          msg({ channelId: ac, fromUid: 'mx-a', fanout: p2p('mx-a', 'mx-c') }),
          { ...first, messageId: '77' },
          msg({ ...sg, fromUid: 'mx-b', fanout, redDot: false }),
          msg({ channelId: ab, fromUid: 'mx-b', fanout: p2p('mx-b', 'mx-a'), redDot: false }),
          msg({ ...sg, fromUid: 'mx-a', fanout, mentionAll: true }),
          msg({ channelId: ab, fromUid: 'mx-a', fanout: p2p('mx-a', 'mx-b') }),
          msg({ ...sg, fromUid: 'mx-b', fanout }),
        ]);
        expect(r.map((x) => x.status)).toEqual(['stored', 'duplicate', 'stored', 'stored', 'stored', 'stored', 'stored']);
        expect(r.map((x) => x.ack.messageSeq)).toEqual([1, 1, 1, 2, 2, 3, 3]);
        expect(r[1]).toEqual({ status: 'duplicate', ack: { messageId: first.messageId, messageSeq: 1, timestamp: first.timestamp } });
        const ords = (channelId: string, channelType: 1 | 3 = 1) =>
          Promise.all([1, 2, 3].map((seq) => store.messages.ordinalAt({ channelType, channelId }, seq)));
        expect(await ords(ab)).toEqual([1, 1, 2]);
        expect(await ords('sg-mixed', 3)).toEqual([0, 1, 2]);
        expect((await store.messages.range({ channelType: 1, channelId: ab }, 1, 9)).map((m) => m.fromUid)).toEqual([
          'mx-a',
          'mx-b',
          'mx-a',
        ]);
        expect((await store.conversations.superGroups('mx-b'))[0]).toMatchObject({ channel: { maxSeq: 3, redCount: 2, allMentionSeq: 2 } });
        // Both sides of each person channel took the batch's last message of it; each sender read up to their own.
        expect(await store.conversations.get('mx-b', 'p2p|mx-a')).toMatchObject({ lastSeq: 3, lastOrd: 2, readSeq: 2, readOrd: 1 });
        expect(await store.conversations.get('mx-a', 'p2p|mx-b')).toMatchObject({ lastSeq: 3, lastOrd: 2, readSeq: 3, readOrd: 2 });
        expect(await store.conversations.get('mx-c', 'p2p|mx-a')).toMatchObject({ lastSeq: 1, lastOrd: 1 });
      });

      it('gives each changed conversation its own, strictly increasing version per user', async () => {
        const r = await store.messages.commit([
          msg({ channelId: pair('a', 'd'), fanout: p2p('a', 'd') }),
          msg({ channelId: pair('a', 'd'), fanout: p2p('a', 'd') }),
          msg({ channelId: pair('a', 'b'), fanout: p2p('a', 'b') }),
        ]);
        const va = (i: number) => (r[i]?.status === 'stored' ? r[i].conversations.find((v) => v.uid === 'a')?.version : undefined);
        expect(va(0)).toBe(va(1));
        expect(va(2)).toBe((va(0) as number) + 1);
        const [next] = await store.messages.commit([msg({ channelId: pair('a', 'b'), fanout: p2p('a', 'b') })]);
        expect(next?.status === 'stored' && next.conversations.find((v) => v.uid === 'a')?.version).toBe((va(2) as number) + 1);
      });

      it('keeps seqs contiguous under concurrent batches', async () => {
        const ch = pair('b', 'c');
        const batches = Array.from({ length: 8 }, (_, i) =>
          Array.from({ length: 5 }, () =>
            msg({ channelId: ch, fromUid: i % 2 ? 'b' : 'c', fanout: p2p(i % 2 ? 'b' : 'c', i % 2 ? 'c' : 'b') }),
          ),
        );
        const results = (await Promise.all(batches.map((b) => store.messages.commit(b)))).flat();
        expect(results.map((r) => r.ack.messageSeq).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      });

      it('fans a group message out to every member conversation', async () => {
        const g = { channelType: 2 as const, channelId: 'grp' };
        const [r] = await store.messages.commit([msg({ ...g, fromUid: 'm1', fanout: { kind: 'members', conversationId: 'team|grp' } })]);
        expect(r?.status).toBe('stored');
        expect(r?.status === 'stored' && r.conversations.map((v) => v.uid).sort()).toEqual(['m1', 'm2', 'owner']);
      });

      it('writes O(1) rows for a super-group message whatever the member count', async () => {
        const sg = { channelType: 3 as const, channelId: 'sg-big' };
        const uids = Array.from({ length: 2000 }, (_, i) => `sgm${i}`);
        await store.channels.createGroup({ ...sg, name: '', ownerUid: 'a', allowHistory: false }, uids, now);
        const fanout: Fanout = { kind: 'none', conversationId: 'super_team|sg-big' };
        await store.messages.commit([msg({ ...sg, fanout })]);
        const before = await store.rowCounts();
        const [r] = await store.messages.commit([msg({ ...sg, fromUid: 'sgm7', fanout })]);
        const after = await store.rowCounts();
        expect(r?.ack.messageSeq).toBe(2);
        const written = Object.keys(after).reduce((sum, t) => sum + (after[t] as number) - (before[t] as number), 0);
        expect(after.messages).toBe((before.messages as number) + 1);
        expect(written).toBeLessThanOrEqual(2); // the message, and at most the sender's own conversation row
        expect((await store.channels.member(sg, 'sgm1999'))?.joinSeq).toBe(0);
        await store.channels.addMembers(sg, ['late'], now);
        expect((await store.channels.member(sg, 'late'))?.joinSeq).toBe(2);
      });

      it('answers an empty batch with no results', async () => {
        expect(await store.messages.commit([])).toEqual([]);
      });

      it('keeps conversation rows for users with a record only', async () => {
        const ch = pair('a', 'ghost');
        const [r] = await store.messages.commit([msg({ channelId: ch, fanout: p2p('a', 'ghost') })]);
        expect(r?.status === 'stored' && r.conversations.map((c) => c.uid)).toEqual(['a']);
        expect(await store.conversations.get('ghost', 'p2p|a')).toBeUndefined();
        expect(await store.conversations.clock('ghost')).toMatchObject({ version: 0 });
        expect((await store.channels.get({ channelType: 1, channelId: ch }))?.maxSeq).toBe(1);
      });

      it("starts a member's row at their join point, and below it hides history unless the group shows it", async () => {
        for (const u of ['jp-o', 'jp-late']) await store.users.upsert(u, {}, now);
        for (const allowHistory of [false, true]) {
          const g = { channelType: 2 as const, channelId: `jp-${allowHistory}` };
          const fanout: Fanout = { kind: 'members', conversationId: `team|${g.channelId}` };
          await store.channels.createGroup({ ...g, name: '', ownerUid: 'jp-o', allowHistory }, [], now);
          await store.messages.commit([msg({ ...g, fromUid: 'jp-o', fanout }), msg({ ...g, fromUid: 'jp-o', fanout, redDot: false })]);
          await store.channels.addMembers(g, ['jp-late'], now);
          expect((await store.channels.member(g, 'jp-late'))?.joinSeq).toBe(2);
          await store.messages.commit([msg({ ...g, fromUid: 'jp-o', fanout })]);
          expect(await store.conversations.get('jp-late', fanout.conversationId)).toMatchObject({
            lastSeq: 3,
            lastOrd: 2,
            readSeq: 2,
            readOrd: await store.messages.ordinalAt(g, 2),
            clearSeq: allowHistory ? 0 : 2,
            hiddenSeq: -1,
          });
          expect(await store.messages.ordinalAt(g, 2)).toBe(1);
          expect(await store.messages.ordinalAt(g, 99)).toBe(0);
          expect(await store.channels.get(g)).toMatchObject({ maxSeq: 3, lastMessageAt: now + msg.made });
        }
      });
    });

    describe('conversations', () => {
      const key = (x: string, y: string) => ({ channelType: 1 as const, channelId: pair(x, y), conversationId: `p2p|${y}` });

      it('keeps fan-out rows current: last message, ordinals, read position of the sender, versions', async () => {
        for (const u of ['cv-a', 'cv-b']) await store.users.upsert(u, {}, now);
        const ch = pair('cv-a', 'cv-b');
        const [first] = await store.messages.commit([msg({ channelId: ch, fromUid: 'cv-a', fanout: p2p('cv-a', 'cv-b') })]);
        await store.messages.commit([
          msg({ channelId: ch, fromUid: 'cv-a', fanout: p2p('cv-a', 'cv-b'), redDot: false }),
          msg({ channelId: ch, fromUid: 'cv-a', fanout: p2p('cv-a', 'cv-b') }),
        ]);
        const b = await store.conversations.get('cv-b', 'p2p|cv-a');
        expect(b).toMatchObject({
          channelType: 1,
          channelId: ch,
          lastSeq: 3,
          lastOrd: 2,
          readSeq: 0,
          readOrd: 0,
          hiddenSeq: -1,
          clearSeq: 0,
        });
        const a = await store.conversations.get('cv-a', 'p2p|cv-b');
        expect(a).toMatchObject({ lastSeq: 3, lastOrd: 2, readSeq: 3, readOrd: 2 });
        expect(first?.status === 'stored' && first.conversations.map((c) => c.conversationId).sort()).toEqual(['p2p|cv-a', 'p2p|cv-b']);
        expect(await store.messages.ordinalAt({ channelType: 1, channelId: ch }, 2)).toBe(1);
        expect(await store.messages.ordinalAt({ channelType: 1, channelId: ch }, 0)).toBe(0);
        expect(
          (
            await store.messages.bySeqs([
              { channelType: 1, channelId: ch, seq: 3 },
              { channelType: 1, channelId: ch, seq: 99 },
            ])
          ).map((m) => m.messageSeq),
        ).toEqual([3]);
        const clock = await store.conversations.clock('cv-b');
        expect(clock.version).toBe(b?.version);
        expect(clock.epoch).toMatch(/\S/);
      });

      it('records mentions by uid and @all', async () => {
        const g = { channelType: 2 as const, channelId: 'grp' };
        await store.messages.commit([
          msg({ ...g, fromUid: 'm1', mentionUids: ['m2'], fanout: { kind: 'members', conversationId: 'team|grp' } }),
        ]);
        const m2 = await store.conversations.get('m2', 'team|grp');
        const owner = await store.conversations.get('owner', 'team|grp');
        expect(m2?.mentionSeq).toBe(m2?.lastSeq);
        expect(owner?.mentionSeq).toBe(0);
        await store.messages.commit([
          msg({ ...g, fromUid: 'm1', mentionAll: true, fanout: { kind: 'members', conversationId: 'team|grp' } }),
        ]);
        const o2 = await store.conversations.get('owner', 'team|grp');
        expect(o2?.mentionSeq).toBe(o2?.lastSeq);
      });

      it('updates own state atomically, versioning only real changes, reading forward only', async () => {
        const k = key('cv-b', 'cv-a');
        const before = await store.conversations.get('cv-b', 'p2p|cv-a');
        const pinned = await store.conversations.update('cv-b', k, { pinnedAt: now, ext: 'note' });
        expect(pinned.changed).toBe(true);
        expect(pinned.row).toMatchObject({ pinnedAt: now, ext: 'note' });
        expect(pinned.row.version).toBeGreaterThan(before?.version as number);
        const same = await store.conversations.update('cv-b', k, { pinnedAt: now });
        expect(same).toEqual({ row: pinned.row, changed: false });
        const read = await store.conversations.update('cv-b', k, { read: { seq: 2, ord: 1 } });
        expect(read.row).toMatchObject({ readSeq: 2, readOrd: 1 });
        const stale = await store.conversations.update('cv-b', k, { read: { seq: 1, ord: 1 } });
        expect(stale.changed).toBe(false);
        expect((await store.conversations.pinned('cv-b')).map((r) => r.conversationId)).toEqual(['p2p|cv-a']);
        expect(await store.conversations.unreadTotal('cv-b')).toEqual({ plain: 1, plainMuted: 0, recount: [] });
      });

      it('creates an empty row on update, stamped with the given time, and lists it', async () => {
        const created = await store.conversations.update(
          'cv-b',
          { channelType: 2, channelId: 'grp', conversationId: 'team|grp' },
          { ext: 'x', sortTsIfEmpty: now + 5 },
        );
        expect(created.row).toMatchObject({ lastSeq: 0, ext: 'x' });
        // The given time, unless the user has a conversation at or just below it already.
        expect(created.row.sortTs).toBeGreaterThanOrEqual(now + 5);
      });

      it('lists a row only while isListedRow holds: an ext alone keeps a row but gives it no place', async () => {
        await store.users.upsert('ls-me', {}, now);
        const k = key('ls-me', 'ls-peer');
        const quiet = await store.conversations.update('ls-me', k, { ext: 'note' });
        expect(quiet.row).toMatchObject({ lastSeq: 0, sortTs: 0, hiddenSeq: -1, ext: 'note' });
        expect(isListedRow(quiet.row)).toBe(false);
        expect(await pageOf('ls-me', { limit: 9 })).toEqual([]);
        expect((await store.conversations.changedSince('ls-me', 0, 9)).map((r) => r.conversationId)).toEqual(['p2p|ls-peer']);
        expect(await store.conversations.get('ls-me', 'p2p|ls-peer')).toEqual(quiet.row);
        const placed = await store.conversations.update('ls-me', k, { sortTsIfEmpty: now + 7 });
        expect(isListedRow(placed.row)).toBe(true);
        expect((await pageOf('ls-me', { limit: 9 })).map((r) => r.conversationId)).toEqual(['p2p|ls-peer']);
        // Deleted while empty (hiddenSeq 0 is not below lastSeq 0): unlisted again.
        await store.conversations.update('ls-me', k, { hiddenSeq: 0 });
        expect(await pageOf('ls-me', { limit: 9 })).toEqual([]);
        expect(await store.conversations.unreadTotal('ls-me')).toEqual({ plain: 0, plainMuted: 0, recount: [] });
      });

      it('applies a patch field by field: clear only grows, hide replaces, sortTsIfEmpty only while empty', async () => {
        const k = key('cv-b', 'cv-a');
        const row = (await store.conversations.get('cv-b', 'p2p|cv-a')) as ConversationRow;
        expect(row.lastSeq).toBeGreaterThan(0);
        const cleared = await store.conversations.update('cv-b', k, { clearSeq: 2 });
        expect(cleared.row.clearSeq).toBe(2);
        expect((await store.conversations.update('cv-b', k, { clearSeq: 1 })).changed).toBe(false);
        expect((await store.conversations.update('cv-b', k, { sortTsIfEmpty: now + 99_999_999 })).changed).toBe(false);
        const hidden = await store.conversations.update('cv-b', k, { hiddenSeq: row.lastSeq });
        expect(hidden.row).toMatchObject({ hiddenSeq: row.lastSeq, clearSeq: 2, sortTs: row.sortTs });
        expect(isListedRow(hidden.row)).toBe(false);
        const shown = await store.conversations.update('cv-b', k, { hiddenSeq: -1, pinnedAt: 0 });
        expect(shown.row).toMatchObject({ hiddenSeq: -1, pinnedAt: 0, lastSeq: row.lastSeq });
        // Every change took a version of its own.
        expect(shown.row.version).toBe(hidden.row.version + 1);
        expect(hidden.row.version).toBe(cleared.row.version + 1);
        await store.conversations.update('cv-b', k, { pinnedAt: now });
      });

      it('writes the row of a uid without a user record, with no version to give it', async () => {
        const written = await store.conversations.update('no-record', key('no-record', 'a'), { ext: 'x', sortTsIfEmpty: now });
        expect(written).toMatchObject({ changed: true, row: { ext: 'x', version: 0, sortTs: now } });
        expect(await store.conversations.clock('no-record')).toMatchObject({ version: 0 });
        expect(await store.conversations.get('no-record', 'p2p|a')).toEqual(written.row);
      });

      it('hands out changes by version, at most limit at a time', async () => {
        await store.users.upsert('ch-me', {}, now);
        for (const [i, peer] of ['ch-3', 'ch-1', 'ch-2', 'ch-1'].entries()) {
          await store.conversations.update('ch-me', key('ch-me', peer), { ext: `note ${i}`, sortTsIfEmpty: now });
        }
        const all = await store.conversations.changedSince('ch-me', 0, 100);
        expect(all.map((r) => r.conversationId)).toEqual(['p2p|ch-3', 'p2p|ch-2', 'p2p|ch-1']);
        const versions = all.map((r) => r.version);
        expect(versions).toEqual([...versions].sort((x, y) => x - y));
        expect(await store.conversations.changedSince('ch-me', 0, 2)).toEqual(all.slice(0, 2));
        expect(await store.conversations.changedSince('ch-me', all[1]?.version as number, 100)).toEqual(all.slice(2));
        expect((await store.conversations.clock('ch-me')).version).toBe(all[2]?.version);
        expect(await store.conversations.changesWithClock('ch-me', all[0]?.version as number, 1)).toEqual({
          clock: await store.conversations.clock('ch-me'),
          rows: all.slice(1, 2),
          lastMessages: [],
        });
        expect(await store.conversations.changesWithClock('ch-me', all[2]?.version as number, 100)).toEqual({
          clock: await store.conversations.clock('ch-me'),
          rows: [],
          lastMessages: [],
        });
        expect(await store.conversations.changesWithClock('ch-nobody', 0, 100)).toEqual({
          clock: await store.conversations.clock('ch-nobody'),
          rows: [],
          lastMessages: [],
        });
      });

      it("hands out with the changes the message at each changed row's lastSeq, from the same read", async () => {
        await store.users.upsertMany([{ uid: 'lm-me' }, { uid: 'lm-a' }, { uid: 'lm-b' }], now);
        const { version } = await store.conversations.clock('lm-me');
        await store.messages.commit([
          msg({ channelId: pair('lm-me', 'lm-a'), fromUid: 'lm-a', fanout: p2p('lm-a', 'lm-me') }),
          msg({ channelId: pair('lm-me', 'lm-a'), fromUid: 'lm-me', fanout: p2p('lm-me', 'lm-a') }),
          msg({ channelId: pair('lm-me', 'lm-b'), fromUid: 'lm-b', fanout: p2p('lm-b', 'lm-me') }),
        ]);
        // A row with no message: nothing to hand out for it.
        await store.conversations.update('lm-me', key('lm-me', 'lm-c'), { ext: 'x', sortTsIfEmpty: now });
        const read = await store.conversations.changesWithClock('lm-me', version, 100);
        expect(read.rows.map((r) => r.conversationId)).toEqual(['p2p|lm-a', 'p2p|lm-b', 'p2p|lm-c']);
        const stored = await atLastSeq(read.rows);
        expect(stored.map((m) => m.messageSeq)).toEqual([2, 1]);
        expect(byPosition(read.lastMessages)).toEqual(byPosition(stored));
        // The limit applies to the rows: only the first row's message.
        const first = await store.conversations.changesWithClock('lm-me', version, 1);
        expect(first.rows.map((r) => r.conversationId)).toEqual(['p2p|lm-a']);
        expect(first.lastMessages).toEqual(stored.filter((m) => m.channelId === pair('lm-me', 'lm-a')));
        expect((await store.conversations.changesWithClock('lm-me', read.clock.version, 100)).lastMessages).toEqual([]);
      });

      it("gives a user's conversations distinct updateTimes, at least 2 apart, in write order, whatever the message times", async () => {
        const peers = ['st-1', 'st-2', 'st-3', 'st-4'];
        for (const u of ['st-me', ...peers]) await store.users.upsert(u, {}, now);
        const at = now + 2_000_000;
        // One batch, four conversations of st-me, one message time.
        await store.messages.commit(
          peers.map((p) => msg({ channelId: pair('st-me', p), fromUid: p, timestamp: at, fanout: p2p(p, 'st-me') })),
        );
        // Later writes with an earlier clock (another node) still land above.
        await store.messages.commit([
          msg({ channelId: pair('st-me', 'st-1'), fromUid: 'st-1', timestamp: at - 100, fanout: p2p('st-1', 'st-me') }),
        ]);
        const created = await store.conversations.update('st-me', key('st-me', 'st-5'), { ext: 'note', sortTsIfEmpty: at - 50 });
        const rows = await pageOf('st-me', { limit: 10 });
        expect(rows.map((r) => r.conversationId)).toEqual(['p2p|st-5', 'p2p|st-1', 'p2p|st-4', 'p2p|st-3', 'p2p|st-2']);
        // st-1 first took `at` itself, then moved above the others with its second message.
        expect(rows.at(-1)?.sortTs).toBe(at + 2);
        for (let i = 1; i < rows.length; i++) expect((rows[i - 1]?.sortTs ?? 0) - (rows[i]?.sortTs ?? 0)).toBeGreaterThanOrEqual(2);
        expect(created.row.sortTs).toBe(rows[0]?.sortTs);
        // Each side of a conversation has its own sequence: st-1's row is stamped by st-1's own history.
        expect((await store.conversations.get('st-1', 'p2p|st-me'))?.sortTs).toBeGreaterThanOrEqual(at);
      });

      it('keeps a label index in step with its rows: same order and archive flag after commits, counted muted unread apart', async () => {
        const me = 'lb-me';
        const peers = ['lb-1', 'lb-2', 'lb-3', 'lb-4'];
        for (const u of [me, ...peers]) await store.users.upsert(u, {}, now);
        const at = now + 2_000_000;
        const send = (from: string, to: string, ts: number) =>
          store.messages.commit([msg({ channelId: pair(from, to), fromUid: from, timestamp: ts, fanout: p2p(from, to) })]);
        for (const [i, peer] of peers.entries()) await send(peer, me, at + i * 10);
        const k = (peer: string) => key(me, peer);
        for (const peer of ['lb-1', 'lb-2', 'lb-3'])
          await store.conversations.update(me, k(peer), { labels: { add: ['work', 'all'], remove: [] } });
        await store.conversations.update(me, k('lb-2'), { labels: { add: [], remove: ['all'] } });
        expect((await store.conversations.get(me, 'p2p|lb-1'))?.labels).toEqual(['all', 'work']);
        const page = async (q: { label?: string; archived?: boolean }) =>
          (await pageOf(me, { limit: 9, ...q })).map((r) => r.conversationId);
        expect(await page({ label: 'work' })).toEqual(['p2p|lb-3', 'p2p|lb-2', 'p2p|lb-1']);
        expect(await page({ label: 'all' })).toEqual(['p2p|lb-3', 'p2p|lb-1']);
        // Archive lb-1 and lb-3 (lb-3 muted): both leave the label's default page and the main one.
        await store.conversations.update(me, k('lb-1'), { archive: { archived: true, seq: 1 } });
        await store.conversations.update(me, k('lb-3'), { archive: { archived: true, seq: 1 }, mutedUntil: at + 10_000_000 });
        expect(await page({ label: 'work' })).toEqual(['p2p|lb-2']);
        expect(await page({ label: 'work', archived: true })).toEqual(['p2p|lb-3', 'p2p|lb-1']);
        expect(await page({})).toEqual(['p2p|lb-4', 'p2p|lb-2']);
        // A commit moves the labelled rows up, and unarchives the unmuted one only.
        await send('lb-1', me, at + 100);
        await send('lb-3', me, at + 101);
        expect(await page({ label: 'work' })).toEqual(['p2p|lb-1', 'p2p|lb-2']);
        expect(await page({ label: 'work', archived: true })).toEqual(['p2p|lb-3']);
        const after = (await store.conversations.get(me, 'p2p|lb-1')) as ConversationRow;
        expect(
          (await pageOf(me, { limit: 9, label: 'work', after: { sortTs: after.sortTs, conversationId: 'p2p|lb-1' } })).map(
            (r) => r.conversationId,
          ),
        ).toEqual(['p2p|lb-2']);
        expect((await store.conversations.labelled(me)).map((r) => r.conversationId).sort()).toEqual(['p2p|lb-1', 'p2p|lb-2', 'p2p|lb-3']);
        // Unread: lb-3 (muted) has 2, the others 1 or 2; plainMuted is lb-3's part.
        const totals = await store.conversations.unreadTotal(me, undefined, at);
        expect(totals).toMatchObject({ plain: 6, plainMuted: 2 });
        expect((await store.conversations.unreadTotal(me, undefined, at + 20_000_000)).plainMuted).toBe(0);
        // Removing the last label takes the row out of the index.
        await store.conversations.update(me, k('lb-2'), { labels: { add: [], remove: ['work'] } });
        expect(await page({ label: 'work' })).toEqual(['p2p|lb-1']);
        expect((await store.conversations.labelled(me)).map((r) => r.conversationId).sort()).toEqual(['p2p|lb-1', 'p2p|lb-3']);
      });

      it("keeps a draft until its owner's own message, in fan-out rows and super-group own rows", async () => {
        for (const u of ['dr-a', 'dr-b']) await store.users.upsert(u, {}, now);
        const ch = pair('dr-a', 'dr-b');
        await store.conversations.update('dr-a', key('dr-a', 'dr-b'), { draft: { text: 'hi', ext: 'x', at: now }, sortTsIfEmpty: now });
        expect(await store.conversations.get('dr-a', 'p2p|dr-b')).toMatchObject({ draftText: 'hi', draftExt: 'x', draftAt: now });
        await store.messages.commit([msg({ channelId: ch, fromUid: 'dr-b', fanout: p2p('dr-b', 'dr-a') })]);
        expect((await store.conversations.get('dr-a', 'p2p|dr-b'))?.draftText).toBe('hi');
        await store.messages.commit([msg({ channelId: ch, fromUid: 'dr-a', fanout: p2p('dr-a', 'dr-b') })]);
        expect(await store.conversations.get('dr-a', 'p2p|dr-b')).toMatchObject({ draftText: '', draftExt: '', draftAt: 0 });
        const fresh = await store.conversations.get('dr-b', 'p2p|dr-a');
        expect(fresh?.draftAt).toBeLessThanOrEqual(0);
        await store.channels.createGroup(
          { channelType: 3, channelId: 'dr-sg', name: '', ownerUid: 'dr-a', allowHistory: true },
          ['dr-b'],
          now,
        );
        const sg = { channelType: 3 as const, channelId: 'dr-sg', conversationId: 'super_team|dr-sg' };
        await store.conversations.update('dr-a', sg, { draft: { text: 'sg', ext: '', at: now } });
        await store.messages.commit([
          msg({ channelType: 3, channelId: 'dr-sg', fromUid: 'dr-a', fanout: { kind: 'none', conversationId: sg.conversationId } }),
        ]);
        expect((await store.conversations.get('dr-a', sg.conversationId))?.draftAt).toBe(0);
      });

      it('pages visible fan-out rows by (sortTs desc, conversationId), keyset, hiding deleted ones', async () => {
        for (const u of ['pg-me', 'pg-1', 'pg-2', 'pg-3']) await store.users.upsert(u, {}, now);
        const at = now + 1_000_000;
        // pg-2's message has pg-1's time: it lands 2 ms above it (updateTimes of one user never tie).
        for (const [peer, ts] of [
          ['pg-3', at - 5],
          ['pg-1', at],
          ['pg-2', at],
        ] as const) {
          await store.messages.commit([msg({ channelId: pair('pg-me', peer), fromUid: peer, timestamp: ts, fanout: p2p(peer, 'pg-me') })]);
        }
        const first = await pageOf('pg-me', { limit: 2 });
        expect(first.map((r) => [r.conversationId, r.sortTs])).toEqual([
          ['p2p|pg-2', at + 2],
          ['p2p|pg-1', at],
        ]);
        const rest = await pageOf('pg-me', { limit: 2, after: { sortTs: at + 2, conversationId: 'p2p|pg-2' } });
        expect(rest.map((r) => r.conversationId)).toEqual(['p2p|pg-1', 'p2p|pg-3']);
        // Keyset ties are still ordered by conversationId (super groups' times are derived, not spaced).
        const tie = await pageOf('pg-me', { limit: 2, after: { sortTs: at, conversationId: 'p2p|pg-0' } });
        expect(tie.map((r) => r.conversationId)).toEqual(['p2p|pg-1', 'p2p|pg-3']);
        expect((await pageOf('pg-me', { limit: 9, maxTs: at })).map((r) => r.conversationId)).toEqual(['p2p|pg-3']);
        expect((await pageOf('pg-me', { limit: 9, minTs: at - 5 })).map((r) => r.conversationId)).toEqual(['p2p|pg-2', 'p2p|pg-1']);
        const k = key('pg-me', 'pg-2');
        const lastSeq = (await store.conversations.get('pg-me', 'p2p|pg-2'))?.lastSeq as number;
        await store.conversations.update('pg-me', k, { hiddenSeq: lastSeq });
        expect((await pageOf('pg-me', { limit: 9 })).map((r) => r.conversationId)).toEqual(['p2p|pg-1', 'p2p|pg-3']);
        const changes = await store.conversations.changedSince('pg-me', 0, 10);
        expect(changes.map((r) => r.conversationId)).toEqual(['p2p|pg-3', 'p2p|pg-1', 'p2p|pg-2']);
        await store.messages.commit([
          msg({ channelId: pair('pg-me', 'pg-2'), fromUid: 'pg-2', timestamp: at + 1, fanout: p2p('pg-2', 'pg-me') }),
        ]);
        expect((await pageOf('pg-me', { limit: 1 })).map((r) => r.conversationId)).toEqual(['p2p|pg-2']);
      });

      it('derives super groups from the channel: one clock tick per batch, member join points', async () => {
        const sg = { channelType: 3 as const, channelId: 'sg-conv' };
        for (const u of ['sc-o', 'sc-m', 'sc-late']) await store.users.upsert(u, {}, now);
        await store.channels.createGroup({ ...sg, name: '', ownerUid: 'sc-o', allowHistory: false }, ['sc-m'], now);
        const clock0 = (await store.conversations.clock('sc-m')).superGroupClock;
        const fanout: Fanout = { kind: 'none', conversationId: 'super_team|sg-conv' };
        await store.messages.commit([msg({ ...sg, fromUid: 'sc-o', fanout }), msg({ ...sg, fromUid: 'sc-o', fanout, mentionAll: true })]);
        await store.channels.addMembers(sg, ['sc-late'], now);
        await store.messages.commit([msg({ ...sg, fromUid: 'sc-m', fanout, mentionUids: ['sc-late', 'not-a-member'] })]);
        const views = await store.conversations.superGroups('sc-late');
        expect(views).toHaveLength(1);
        expect(views[0]).toMatchObject({
          joinSeq: 2,
          joinOrd: 2,
          channel: { maxSeq: 3, redCount: 3, allMentionSeq: 2, superGroupClock: clock0 + 2 },
        });
        expect(views[0]?.row?.mentionSeq).toBe(3);
        const sender = (await store.conversations.superGroups('sc-m'))[0];
        expect(sender?.row).toMatchObject({ readSeq: 3, readOrd: 3, version: 0 });
        expect((await store.conversations.clock('sc-m')).superGroupClock).toBe(clock0 + 2);
        expect(await store.conversations.get('not-a-member', 'super_team|sg-conv')).toBeUndefined();
      });
    });

    describe('message state', () => {
      const ch = () => ({ channelType: 1 as const, channelId: pair('ms-a', 'ms-b') });
      const ref = (seq: number) => ({ ...ch(), seq });

      it('revokes once: flags rows, versions the rows it changes, counts hidden messages', async () => {
        for (const u of ['ms-a', 'ms-b']) await store.users.upsert(u, {}, now);
        const sent = await store.messages.commit([1, 2, 3].map(() => msg({ ...ch(), fromUid: 'ms-a', fanout: p2p('ms-a', 'ms-b') })));
        const before = await store.conversations.get('ms-b', 'p2p|ms-a');
        const { message, conversations } = await store.messageState.revoke(ref(3), 'ms-a', now + 10);
        expect(message).toMatchObject({ messageSeq: 3, revokedAt: now + 10, revoker: 'ms-a' });
        expect(conversations.map((c) => c.uid).sort()).toEqual(['ms-a', 'ms-b']);
        const after = await store.conversations.get('ms-b', 'p2p|ms-a');
        expect(after?.version).toBeGreaterThan(before?.version as number);
        expect(after?.mayHide).toBe(true);
        expect((await store.messageState.revoke(ref(3), 'ms-a', now + 20)).conversations).toEqual([]);
        expect((await store.messageState.byId(sent[2]?.ack.messageId as string))?.revokedAt).toBe(now + 10);
        expect(await store.messageState.hiddenCountable('ms-b', ch(), 0, 3)).toBe(1);
      });

      it('recounts the rows a revoke flagged instead of summing them', async () => {
        const { plain, recount } = await store.conversations.unreadTotal('ms-b');
        expect(plain).toBe(0);
        expect(recount.map((r) => r.conversationId)).toEqual(['p2p|ms-a']);
        expect(recount[0]).toMatchObject({ mayHide: true, lastOrd: 3, readOrd: 0 });
      });

      it('refuses to revoke a message that is not stored', async () => {
        await expect(store.messageState.revoke(ref(99), 'ms-a', now)).rejects.toThrow();
        expect(await store.messages.range(ch(), 1, 99)).toHaveLength(3);
      });

      it('revokes a super-group message on its channel: a clock tick and the revoke count, no member rows', async () => {
        const sg = { channelType: 3 as const, channelId: 'sg-revoke' };
        await store.channels.createGroup({ ...sg, name: '', ownerUid: 'ms-a', allowHistory: false }, ['ms-b'], now);
        const fanout: Fanout = { kind: 'none', conversationId: 'super_team|sg-revoke' };
        await store.messages.commit([msg({ ...sg, fromUid: 'ms-a', fanout })]);
        const before = (await store.conversations.clock('ms-b')).superGroupClock;
        const { message, conversations } = await store.messageState.revoke({ ...sg, seq: 1 }, 'ms-a', now);
        expect(message.revokedAt).toBe(now);
        expect(conversations).toEqual([]);
        const after = (await store.conversations.clock('ms-b')).superGroupClock;
        expect(after).toBe(before + 1);
        const view = (await store.conversations.superGroups('ms-b')).find((v) => v.channel.channelId === 'sg-revoke');
        expect(view?.channel).toMatchObject({ revokeCount: 1, superGroupClock: after });
        expect((await store.messageState.revoke({ ...sg, seq: 1 }, 'ms-b', now + 1)).message).toMatchObject({
          revokedAt: now,
          revoker: 'ms-a',
        });
        expect((await store.conversations.clock('ms-b')).superGroupClock).toBe(after);
      });

      it('deletes for one user only, counting a revoked-and-deleted message once', async () => {
        const row = await store.messageState.deleteForUser('ms-b', 'p2p|ms-a', ch(), [2, 3]);
        expect(row?.mayHide).toBe(true);
        expect([...(await store.messageState.deletedSeqs('ms-b', ch(), 1, 3))].sort()).toEqual([2, 3]);
        expect((await store.messageState.deletedSeqs('ms-a', ch(), 1, 3)).size).toBe(0);
        expect(await store.messageState.hiddenCountable('ms-b', ch(), 0, 3)).toBe(2);
        expect(await store.messageState.hiddenCountable('ms-b', ch(), 2, 3)).toBe(1);
        expect(await store.messageState.lastVisibleSeq('ms-b', ch(), 0, 3)).toBe(1);
        expect(await store.messageState.lastVisibleSeq('ms-a', ch(), 0, 3)).toBe(3);
        expect(await store.messageState.lastVisibleSeq('ms-b', ch(), 1, 3)).toBe(0);
      });

      it("raises the user's version for a one-way delete even without a row to stamp", async () => {
        const before = (await store.conversations.clock('ms-a')).version;
        expect(
          await store.messageState.deleteForUser('ms-a', 'p2p|nobody', { channelType: 1, channelId: pair('ms-a', 'nobody') }, [1]),
        ).toBe(undefined);
        expect((await store.conversations.clock('ms-a')).version).toBe(before + 1);
        // Deleting again is idempotent for the deletions, and still a new version for the row.
        const row = await store.messageState.deleteForUser('ms-b', 'p2p|ms-a', ch(), [2]);
        expect(row?.version).toBe((await store.conversations.clock('ms-b')).version);
        expect([...(await store.messageState.deletedSeqs('ms-b', ch(), 1, 3))].sort()).toEqual([2, 3]);
      });

      it('edits at most maxEdits times', async () => {
        const first = await store.messageState.edit(ref(1), '{"type":1,"content":"v2"}', now + 1, 2);
        expect(first).toMatchObject({ editCount: 1, editedAt: now + 1, editedPayloadJson: '{"type":1,"content":"v2"}' });
        await store.messageState.edit(ref(1), '{"type":1,"content":"v3"}', now + 2, 2);
        expect(await store.messageState.edit(ref(1), '{"type":1,"content":"v4"}', now + 3, 2)).toBe('limit');
        expect(await store.messageState.byId((await store.messages.bySeqs([ref(1)]))[0]?.messageId as string)).toMatchObject({
          editCount: 2,
          editedAt: now + 2,
          editedPayloadJson: '{"type":1,"content":"v3"}',
        });
      });

      it('lists changed messages past a change time, in change order, never splitting one time across pages', async () => {
        const c = { channelType: 1 as const, channelId: pair('cx-a', 'cx-b') };
        const at = (seq: number) => ({ ...c, seq });
        for (const u of ['cx-a', 'cx-b']) await store.users.upsert(u, {}, now);
        await store.messages.commit([1, 2, 3, 4, 5, 6].map(() => msg({ ...c, fromUid: 'cx-a', fanout: p2p('cx-a', 'cx-b') })));
        await store.messageState.edit(at(2), '{"type":1,"content":"e2"}', now + 30, 5);
        await store.messageState.revoke(at(5), 'cx-a', now + 10);
        await store.messageState.edit(at(3), '{"type":1,"content":"e3"}', now + 20, 5);
        await store.messageState.edit(at(4), '{"type":1,"content":"e4"}', now + 20, 5);
        // Edited, then revoked: the revoke is its latest change.
        await store.messageState.edit(at(6), '{"type":1,"content":"e6"}', now + 5, 5);
        await store.messageState.revoke(at(6), 'cx-a', now + 40);
        await store.messageState.deleteForUser('cx-b', 'p2p|cx-a', c, [2]);
        const seqs = async (uid: string, floor: number, ceiling: number, version: number, limit: number) =>
          (await store.messageState.changedSince(uid, c, floor, ceiling, version, limit)).map((m) => m.messageSeq);
        expect(await seqs('cx-a', 0, 6, 0, 100)).toEqual([5, 3, 4, 2, 6]);
        // A page ending inside a change time takes the rest of that time too.
        expect(await seqs('cx-a', 0, 6, 0, 2)).toEqual([5, 3, 4]);
        expect(await seqs('cx-a', 0, 6, now + 20, 2)).toEqual([2, 6]);
        expect(await seqs('cx-a', 0, 6, now + 40, 100)).toEqual([]);
        // Only the window, and not what the user deleted for themselves.
        expect(await seqs('cx-b', 0, 6, 0, 100)).toEqual([5, 3, 4, 6]);
        expect(await seqs('cx-a', 3, 5, 0, 100)).toEqual([5, 4]);
        const [revoked] = await store.messageState.changedSince('cx-a', c, 4, 5, 0, 1);
        expect(revoked).toMatchObject({ messageSeq: 5, revokedAt: now + 10, revoker: 'cx-a' });
      });

      it('keeps reactions per emoji, limits distinct emoji, and reads them back', async () => {
        expect(await store.messageState.react(ref(1), 'ms-a', '👍', true, 2, now)).toEqual([{ emoji: '👍', uids: ['ms-a'] }]);
        await store.messageState.react(ref(1), 'ms-b', '👍', true, 2, now + 1);
        await store.messageState.react(ref(1), 'ms-b', '🎉', true, 2, now + 2);
        expect(await store.messageState.react(ref(1), 'ms-a', '😀', true, 2, now + 3)).toBe('limit');
        expect(await store.messageState.react(ref(1), 'ms-a', '👍', false, 2, now + 4)).toEqual([
          { emoji: '👍', uids: ['ms-b'] },
          { emoji: '🎉', uids: ['ms-b'] },
        ]);
        expect((await store.messages.bySeqs([ref(1)]))[0]?.annotated).toBe(true);
      });

      it('adds a reaction once, ignores removing an absent one, and keeps the order of reactions made in one millisecond', async () => {
        const r2 = ref(2);
        expect((await store.messages.bySeqs([r2]))[0]?.annotated).toBe(false);
        expect(await store.messageState.react(r2, 'ms-b', '👍', true, 5, now)).toEqual([{ emoji: '👍', uids: ['ms-b'] }]);
        expect(await store.messageState.react(r2, 'ms-b', '👍', true, 5, now + 1)).toEqual([{ emoji: '👍', uids: ['ms-b'] }]);
        expect(await store.messageState.react(r2, 'ms-b', '🎉', false, 5, now + 1)).toEqual([{ emoji: '👍', uids: ['ms-b'] }]);
        // Made in one millisecond, in an order that is neither code-point nor uid order: listed as made.
        const other = { channelType: 1 as const, channelId: pair('ms-a', 'ms-rx') };
        await store.messages.commit([msg({ ...other, fromUid: 'ms-a', fanout: p2p('ms-a', 'ms-rx') })]);
        const r3 = { ...other, seq: 1 };
        await store.messageState.react(r3, 'ms-b', '👍', true, 5, now);
        await store.messageState.react(r3, 'ms-b', '🎉', true, 5, now);
        expect(await store.messageState.react(r3, 'ms-a', '👍', true, 5, now)).toEqual([
          { emoji: '👍', uids: ['ms-b', 'ms-a'] },
          { emoji: '🎉', uids: ['ms-b'] },
        ]);
        expect((await store.messageState.annotations([r3])).get(refKey(r3))?.reactions).toEqual([
          { emoji: '👍', uids: ['ms-b', 'ms-a'] },
          { emoji: '🎉', uids: ['ms-b'] },
        ]);
        expect(await store.messageState.react(r2, 'ms-a', '😀', true, 1, now + 2)).toBe('limit');
        expect((await store.messageState.annotations([r2])).get(refKey(r2))?.reactions).toEqual([{ emoji: '👍', uids: ['ms-b'] }]);
        expect((await store.messages.bySeqs([r2]))[0]?.annotated).toBe(true);
      });

      it('records each reader of a message once', async () => {
        const firstTime = await store.messageState.addReceipts('ms-b', [ref(1), ref(2)], now);
        expect(firstTime.map((r) => r.seq)).toEqual([1, 2]);
        expect(await store.messageState.addReceipts('ms-b', [ref(1)], now)).toEqual([]);
        const notes = await store.messageState.annotations([ref(1), ref(2), ref(3)]);
        expect(notes.get(`1|${pair('ms-a', 'ms-b')}|1`)).toEqual({
          reactions: [
            { emoji: '👍', uids: ['ms-b'] },
            { emoji: '🎉', uids: ['ms-b'] },
          ],
          readCount: 1,
        });
        expect(notes.get(`1|${pair('ms-a', 'ms-b')}|3`)).toEqual({ reactions: [], readCount: 0 });
      });

      it('reports each new receipt once, in the order named, even when named twice in one call', async () => {
        const c = { channelType: 1 as const, channelId: pair('ms-a', 'ms-rc') };
        await store.users.upsert('ms-rc', {}, now);
        await store.messages.commit([1, 2, 3].map(() => msg({ ...c, fromUid: 'ms-a', fanout: p2p('ms-a', 'ms-rc') })));
        const at = (seq: number) => ({ ...c, seq });
        expect(await store.messageState.addReceipts('ms-rc', [at(3), at(1), at(3)], now)).toEqual([at(3), at(1)]);
        expect(await store.messageState.addReceipts('ms-rc', [at(2), at(1)], now)).toEqual([at(2)]);
        expect([...(await store.messageState.annotations([at(1), at(4)])).values()]).toEqual([
          { reactions: [], readCount: 1 },
          { reactions: [], readCount: 0 },
        ]);
        expect((await store.messages.bySeqs([at(1), at(2), at(3)])).every((m) => m.annotated)).toBe(true);
      });

      it('finds the last message before a time by seq', async () => {
        const c = { channelType: 1 as const, channelId: pair('ms-a', 'ms-c') };
        await store.users.upsert('ms-c', {}, now);
        await store.messages.commit(
          [10, 20, 30].map((dt) => msg({ ...c, fromUid: 'ms-a', timestamp: now + dt, fanout: p2p('ms-a', 'ms-c') })),
        );
        expect(await store.messageState.seqBefore(c, now + 25)).toBe(2);
        expect(await store.messageState.seqBefore(c, now + 10)).toBe(0);
        expect(await store.messageState.seqBefore(c, now + 99)).toBe(3);
      });

      it('finds a seq at a time boundary when clock skew put timestamps out of seq order', async () => {
        const c = { channelType: 1 as const, channelId: pair('ms-a', 'ms-skew') };
        await store.users.upsert('ms-skew', {}, now);
        // Seqs 1..4 at +10, +30, +20, +40: two boundaries around +25 (after seq 1, and after seq 3).
        await store.messages.commit(
          [10, 30, 20, 40].map((dt) => msg({ ...c, fromUid: 'ms-a', timestamp: now + dt, fanout: p2p('ms-a', 'ms-skew') })),
        );
        expect([1, 3]).toContain(await store.messageState.seqBefore(c, now + 25));
        expect(await store.messageState.seqBefore(c, now + 10)).toBe(0);
        expect(await store.messageState.seqBefore(c, now + 41)).toBe(4);
        expect(await store.messageState.seqBefore({ channelType: 1, channelId: 'no|such' }, now)).toBe(0);
      });
    });
  });
}

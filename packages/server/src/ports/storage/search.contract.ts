import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageMaker, p2pFanout } from './contract-fixtures.js';
import type { ChannelKey, Fanout, MessageSearchQuery, NewMessage, RetentionPolicy, Storage } from './index.js';
import { DAY_MS } from './index.js';
import { MAX_SCOPED_CHANNELS, searchTerms } from './search-text.js';

const T = 1_700_000_000_000;
const KEEP: RetentionPolicy = { now: T + 10 * DAY_MS, defaultDays: 0 };
const pair = (x: string, y: string) => (x < y ? `${x}|${y}` : `${y}|${x}`);
const text = (content: string) => JSON.stringify({ type: 1, content });

/** The rules of SearchStore (search.ts), run by `runStorageContract` on every backend. */
export function runSearchContract(name: string, open: () => Promise<Storage>): void {
  describe(`storage contract: ${name}: search`, () => {
    let store: Storage;
    const make = messageMaker({ channelId: 'x', fromUid: 'x', firstId: 9_100_000, clientPrefix: 'srch', now: T });
    const send = async (m: Partial<NewMessage> & { fanout: Fanout; channelId: string; fromUid: string }) => {
      const [r] = await store.messages.commit([make(m)]);
      if (r?.status !== 'stored') throw new Error('not stored');
      return r.ack;
    };
    const chat = (from: string, to: string, content: string, over: Partial<NewMessage> = {}) =>
      send({ channelId: pair(from, to), fromUid: from, fanout: p2pFanout(from, to), payloadJson: text(content), ...over });
    const group = (key: ChannelKey, from: string, content: string) =>
      send({
        ...key,
        fromUid: from,
        fanout:
          key.channelType === 3
            ? { kind: 'none', conversationId: `super_team|${key.channelId}` }
            : { kind: 'members', conversationId: `team|${key.channelId}` },
        payloadJson: text(content),
      });
    const search = async (uid: string, q: string, over: Partial<MessageSearchQuery> = {}) => {
      const page = await store.search.messages({ uid, terms: searchTerms(q), limit: 50, policy: KEEP, ...over });
      if (page === 'bad_position') throw new Error('bad position');
      return page;
    };
    const contents = async (uid: string, q: string, over: Partial<MessageSearchQuery> = {}) =>
      (await search(uid, q, over)).messages.map(
        (m) =>
          (JSON.parse(m.editedPayloadJson || m.payloadJson) as { content?: string; name?: string }).content ??
          JSON.parse(m.payloadJson).name,
      );
    const users = async (...uids: string[]) => {
      for (const uid of uids) await store.users.upsert(uid, {}, T);
    };

    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store?.close();
    });

    it('finds two-character Chinese and Japanese words inside sentences without spaces, and single characters', async () => {
      await users('zh-a', 'zh-b');
      await chat('zh-a', 'zh-b', '我们明天去北京开会');
      await chat('zh-a', 'zh-b', '明日の会議は十時からです');
      await chat('zh-a', 'zh-b', '北京烤鸭很好吃');
      await chat('zh-a', 'zh-b', '上海见');
      expect(await contents('zh-b', '北京')).toEqual(['北京烤鸭很好吃', '我们明天去北京开会']);
      expect(await contents('zh-b', '会議')).toEqual(['明日の会議は十時からです']);
      expect(await contents('zh-b', '好吃')).toEqual(['北京烤鸭很好吃']);
      expect(await contents('zh-b', '北京开会')).toEqual(['我们明天去北京开会']);
      // Adjacent, in order: both bigrams exist in the store but not next to each other.
      expect(await contents('zh-b', '京烤鸭很')).toEqual(['北京烤鸭很好吃']);
      expect(await contents('zh-b', '开京')).toEqual([]);
      expect(await contents('zh-b', '见')).toEqual(['上海见']);
    });

    it('finds Latin words by prefix, case and accents aside, every term required, and file names', async () => {
      await users('lt-a', 'lt-b');
      await chat('lt-a', 'lt-b', 'Meeting at the Café tomorrow');
      await chat('lt-a', 'lt-b', 'meet me there');
      await chat('lt-a', 'lt-b', 'the file', {
        contentType: 3,
        payloadJson: JSON.stringify({ type: 3, url: 'https://x/y', name: 'Quarterly-Report.pdf' }),
      });
      await chat('lt-a', 'lt-b', 'Tokyo 会議 notes');
      expect(await contents('lt-b', 'meet')).toEqual(['meet me there', 'Meeting at the Café tomorrow']);
      expect(await contents('lt-b', 'MEETING cafe')).toEqual(['Meeting at the Café tomorrow']);
      // Full-width forms are their ASCII letters (NFKC).
      expect(await contents('lt-b', 'ＣＡＦＥ')).toEqual(['Meeting at the Café tomorrow']);
      expect(await contents('lt-b', 'quarterly report')).toEqual(['Quarterly-Report.pdf']);
      expect(await contents('lt-b', 'tokyo 会議')).toEqual(['Tokyo 会議 notes']);
      expect(await contents('lt-b', 'tokyo 北京')).toEqual([]);
    });

    it('returns nothing from a conversation the user is not in', async () => {
      await users('ot-a', 'ot-b', 'ot-c');
      await chat('ot-a', 'ot-b', 'secret plan alpha');
      const g = { channelType: 2 as const, channelId: 'srch-other-g' };
      await store.channels.createGroup({ ...g, name: 'G', ownerUid: 'ot-a', allowHistory: false }, ['ot-a', 'ot-b'], T);
      await group(g, 'ot-a', 'secret plan beta');
      const sg = { channelType: 3 as const, channelId: 'srch-other-sg' };
      await store.channels.createGroup({ ...sg, name: 'SG', ownerUid: 'ot-a', allowHistory: true }, ['ot-a'], T);
      await group(sg, 'ot-a', 'secret plan gamma');
      expect(await contents('ot-c', 'secret')).toEqual([]);
      expect(await contents('ot-b', 'secret')).toEqual(['secret plan beta', 'secret plan alpha']);
      expect(await contents('ot-a', 'secret')).toEqual(['secret plan gamma', 'secret plan beta', 'secret plan alpha']);
    });

    it('leaves out revoked messages, one-way deletes and what a clear removed; edits are searched as edited', async () => {
      await users('rv-a', 'rv-b');
      const key = { channelType: 1 as const, channelId: pair('rv-a', 'rv-b') };
      const cleared = await chat('rv-a', 'rv-b', 'zebra one');
      const revoked = await chat('rv-a', 'rv-b', 'zebra two');
      const deleted = await chat('rv-a', 'rv-b', 'zebra three');
      const edited = await chat('rv-a', 'rv-b', 'zebra four');
      await store.messageState.revoke({ ...key, seq: revoked.messageSeq }, 'rv-a', T + 100);
      await store.messageState.deleteForUser('rv-b', 'p2p|rv-a', key, [deleted.messageSeq]);
      await store.conversations.update('rv-b', { ...key, conversationId: 'p2p|rv-a' }, { clearSeq: cleared.messageSeq });
      await store.messageState.edit({ ...key, seq: edited.messageSeq }, text('giraffe four'), T + 200, 10);
      expect(await contents('rv-b', 'zebra')).toEqual([]);
      expect(await contents('rv-b', 'giraffe')).toEqual(['giraffe four']);
      // The other side deleted and cleared nothing: only the revoke and the edit apply.
      expect(await contents('rv-a', 'zebra')).toEqual(['zebra three', 'zebra one']);
      await store.messageState.revoke({ ...key, seq: edited.messageSeq }, 'rv-a', T + 300);
      expect(await contents('rv-a', 'giraffe')).toEqual([]);
    });

    it('keeps a late joiner out of what came before they joined, unless the group shows history, and a leaver out of what came after', async () => {
      await users('jn-a', 'jn-b', 'jn-c');
      const g = { channelType: 2 as const, channelId: 'srch-join' };
      await store.channels.createGroup({ ...g, name: 'J', ownerUid: 'jn-a', allowHistory: false }, ['jn-a', 'jn-c'], T);
      await group(g, 'jn-a', 'walrus before');
      await store.channels.addMembers(g, ['jn-b'], T);
      await group(g, 'jn-a', 'walrus while');
      await store.channels.removeMembers(g, ['jn-c']);
      await group(g, 'jn-a', 'walrus after');
      expect(await contents('jn-b', 'walrus')).toEqual(['walrus after', 'walrus while']);
      expect(await contents('jn-c', 'walrus')).toEqual(['walrus while', 'walrus before']);
      const open = { channelType: 2 as const, channelId: 'srch-open' };
      await store.channels.createGroup({ ...open, name: 'O', ownerUid: 'jn-a', allowHistory: true }, ['jn-a'], T);
      await group(open, 'jn-a', 'walrus open');
      await store.channels.addMembers(open, ['jn-b'], T);
      expect(await contents('jn-b', 'walrus', { channel: open })).toEqual(['walrus open']);
      // A super group's former member keeps nothing.
      const sg = { channelType: 3 as const, channelId: 'srch-sg-leave' };
      await store.channels.createGroup({ ...sg, name: 'S', ownerUid: 'jn-a', allowHistory: true }, ['jn-a', 'jn-c'], T);
      await group(sg, 'jn-a', 'walrus super');
      expect(await contents('jn-c', 'walrus super')).toEqual(['walrus super']);
      await store.channels.removeMembers(sg, ['jn-c']);
      expect(await contents('jn-c', 'walrus super')).toEqual([]);
    });

    it('leaves out expired messages and forgets those retention removed', async () => {
      await users('ex-a', 'ex-b');
      const g = { channelType: 2 as const, channelId: 'srch-expire' };
      await store.channels.createGroup({ ...g, name: 'E', ownerUid: 'ex-a', allowHistory: false }, ['ex-a', 'ex-b'], T);
      await send({
        ...g,
        fromUid: 'ex-a',
        fanout: { kind: 'members', conversationId: `team|${g.channelId}` },
        payloadJson: text('otter old'),
        timestamp: T - 5 * DAY_MS,
      });
      await send({
        ...g,
        fromUid: 'ex-a',
        fanout: { kind: 'members', conversationId: `team|${g.channelId}` },
        payloadJson: text('otter new'),
        timestamp: T + DAY_MS,
      });
      const threeDays: RetentionPolicy = { now: T + DAY_MS, defaultDays: 3 };
      expect(await contents('ex-b', 'otter', { policy: threeDays })).toEqual(['otter new']);
      expect(await contents('ex-b', 'otter')).toEqual(['otter new', 'otter old']);
      while ((await store.retention.purgeStep(g, threeDays, 100)).kind !== 'done');
      expect(await contents('ex-b', 'otter')).toEqual(['otter new']);
    });

    it('filters by conversation, sender and time, and pages newest first without a skip or a repeat', async () => {
      await users('pg-a', 'pg-b', 'pg-c');
      for (let i = 0; i < 7; i++) {
        const [from, to] = i % 2 ? ['pg-b', 'pg-a'] : ['pg-a', 'pg-b'];
        await chat(from as string, to as string, `lemur ${i}`, { timestamp: T + 1000 + i });
      }
      await chat('pg-c', 'pg-b', 'lemur elsewhere', { timestamp: T + 2000 });
      const all = await contents('pg-b', 'lemur');
      expect(all).toEqual(['lemur elsewhere', 'lemur 6', 'lemur 5', 'lemur 4', 'lemur 3', 'lemur 2', 'lemur 1', 'lemur 0']);
      const paged: string[] = [];
      let from: MessageSearchQuery['from'];
      for (let i = 0; i < 10; i++) {
        const page = await search('pg-b', 'lemur', { limit: 3, ...(from && { from }) });
        paged.push(...page.messages.map((m) => (JSON.parse(m.payloadJson) as { content: string }).content));
        if (!page.next) break;
        // A message arriving meanwhile is newer than the cursor: it neither shifts nor repeats the rest.
        await chat('pg-a', 'pg-b', `lemur late ${i}`, { timestamp: T + 3000 + i });
        from = page.next;
      }
      expect(paged).toEqual(all);
      const key = { channelType: 1 as const, channelId: pair('pg-a', 'pg-b') };
      expect(await contents('pg-b', 'lemur', { channel: key, fromUid: 'pg-b' })).toEqual(['lemur 5', 'lemur 3', 'lemur 1']);
      expect(await contents('pg-b', 'lemur', { channel: key, before: T + 1003, after: T + 1000 })).toEqual(['lemur 2', 'lemur 1']);
      expect(await store.search.messages({ uid: 'pg-b', terms: searchTerms('lemur'), limit: 3, policy: KEEP, from: ['x', 'y'] })).toBe(
        'bad_position',
      );
    });

    it('in a long conversation, finds a word on every message newest first and one only at its start', async () => {
      await users('long-a', 'long-b');
      const key = { channelType: 1 as const, channelId: pair('long-a', 'long-b') };
      // More messages than a backend may read newest first before it asks its index, 100 ms apart.
      for (let from = 0; from < 2100; from += 100) {
        const batch = Array.from({ length: 100 }, (_, k) => {
          const i = from + k;
          return make({
            channelId: key.channelId,
            fromUid: 'long-a',
            fanout: p2pFanout('long-a', 'long-b'),
            payloadJson: text(i < 2 ? `okapi quokka ${i}` : `okapi ${i}`),
            timestamp: T + 10_000 + i * 100,
          });
        });
        await store.messages.commit(batch);
      }
      const pages: string[][] = [];
      let from: MessageSearchQuery['from'];
      for (let i = 0; i < 3; i++) {
        const page = await search('long-b', 'okapi', { channel: key, limit: 4, ...(from && { from }) });
        pages.push(page.messages.map((m) => (JSON.parse(m.payloadJson) as { content: string }).content));
        from = page.next;
      }
      expect(pages).toEqual([
        ['okapi 2099', 'okapi 2098', 'okapi 2097', 'okapi 2096'],
        ['okapi 2095', 'okapi 2094', 'okapi 2093', 'okapi 2092'],
        ['okapi 2091', 'okapi 2090', 'okapi 2089', 'okapi 2088'],
      ]);
      expect(await contents('long-b', 'quokka', { channel: key })).toEqual(['okapi quokka 1', 'okapi quokka 0']);
      expect(await contents('long-b', 'quokka', { channel: key, limit: 1 })).toEqual(['okapi quokka 1']);

      // A second long conversation, newer and dense (1 ms apart): across both, the newest come first.
      await users('long-c');
      const dense = { channelType: 1 as const, channelId: pair('long-a', 'long-c') };
      for (let from = 0; from < 1100; from += 100) {
        await store.messages.commit(
          Array.from({ length: 100 }, (_, k) =>
            make({
              channelId: dense.channelId,
              fromUid: 'long-c',
              fanout: p2pFanout('long-c', 'long-a'),
              payloadJson: text(`okapi c${from + k}`),
              timestamp: T + 300_000 + from + k,
            }),
          ),
        );
      }
      const first = await search('long-a', 'okapi', { limit: 4 });
      const second = await search('long-a', 'okapi', { limit: 4, ...(first.next && { from: first.next }) });
      const text2 = (m: { payloadJson: string }) => (JSON.parse(m.payloadJson) as { content: string }).content;
      expect([...first.messages, ...second.messages].map(text2)).toEqual([
        'okapi c1099',
        'okapi c1098',
        'okapi c1097',
        'okapi c1096',
        'okapi c1095',
        'okapi c1094',
        'okapi c1093',
        'okapi c1092',
      ]);
    });

    it('finds the same for a reader of more channels than a search names in the index query', async () => {
      await users('many-r', 'many-o');
      for (let i = 0; i <= MAX_SCOPED_CHANNELS; i++) {
        const g = { channelType: 2 as const, channelId: `srch-many-${i}` };
        await store.channels.createGroup({ ...g, name: 'M', ownerUid: 'many-o', allowHistory: false }, ['many-o', 'many-r'], T);
        if (i % 128 === 0) await group(g, 'many-o', `narwhal ${i}`);
      }
      const other = { channelType: 2 as const, channelId: 'srch-many-not-hers' };
      await store.channels.createGroup({ ...other, name: 'N', ownerUid: 'many-o', allowHistory: false }, ['many-o'], T);
      await group(other, 'many-o', 'narwhal elsewhere');
      expect(await contents('many-r', 'narwhal')).toEqual(['narwhal 256', 'narwhal 128', 'narwhal 0']);
    });

    it('finds the caller’s listed conversations by peer uid, group id or name, and nobody else’s', async () => {
      await store.users.upsert('cv-me', {}, T);
      await store.users.upsert('cv-bob', { name: 'Bobby Tables' }, T);
      await store.users.upsert('cv-eve', { name: 'Eve' }, T);
      await chat('cv-me', 'cv-bob', 'hi');
      await chat('cv-eve', 'cv-bob', 'hi');
      const g = { channelType: 2 as const, channelId: 'cv-team' };
      await store.channels.createGroup({ ...g, name: '北京 Office', ownerUid: 'cv-me', allowHistory: false }, ['cv-me'], T);
      await group(g, 'cv-me', 'hi');
      const sg = { channelType: 3 as const, channelId: 'cv-super' };
      await store.channels.createGroup({ ...sg, name: 'Everyone', ownerUid: 'cv-me', allowHistory: false }, ['cv-me'], T);
      await group(sg, 'cv-me', 'hi');
      const ids = async (uid: string, q: string) => (await store.search.conversations(uid, q, 20)).map((c) => c.channelId);
      expect(await ids('cv-me', 'cv-b')).toEqual([pair('cv-me', 'cv-bob')]);
      expect(await ids('cv-me', 'tables')).toEqual([pair('cv-me', 'cv-bob')]);
      expect(await ids('cv-me', '北京')).toEqual(['cv-team']);
      expect(await ids('cv-me', 'EVERY')).toEqual(['cv-super']);
      expect(await ids('cv-me', 'eve')).toEqual(['cv-super']);
      expect(await ids('cv-me', 'cv-')).toEqual(['cv-super', 'cv-team', pair('cv-me', 'cv-bob')]);
      expect((await store.search.conversations('cv-me', 'bob', 20))[0]?.name).toBe('Bobby Tables');
    });
  });
}

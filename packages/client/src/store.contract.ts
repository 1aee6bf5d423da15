import type { Conversation } from '@parley/protocol';
import { emptyConversation, untouchedExtra } from './message-state.js';
import type { ClientStore, DeletedMessage, LocalMessage } from './store.js';

/**
 * The rules every `ClientStore` keeps, as cases that run anywhere: in Node under vitest (MemoryStore,
 * FileStore) and bundled into a page in Chromium (IndexedDbStore). So no test framework here: a case
 * throws when a rule is broken.
 */
export interface StoreUnderTest {
  /** A store of `uid`'s data; empty the first time a uid is used. */
  open(uid: string): Promise<ClientStore>;
  /** `uid`'s store opened anew, as after a restart; only persistent stores have it. */
  reopen?(uid: string): Promise<ClientStore>;
}

export interface StoreContractCase {
  name: string;
  /** Needs `reopen`. */
  persistent?: boolean;
  run(subject: StoreUnderTest): Promise<void>;
}

/** JSON with sorted keys: two values are the same when this is. */
function canon(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}

function same(actual: unknown, expected: unknown, what: string): void {
  if (canon(actual) !== canon(expected)) throw new Error(`${what}: expected ${canon(expected)}, got ${canon(actual)}`);
}

const message = (seq: number, text = `m${seq}`, clientMsgNo = `c${seq}`): LocalMessage => ({
  messageId: String(1000 + seq),
  messageSeq: seq,
  clientMsgNo,
  fromUid: 'alice',
  channelId: 'bob',
  channelType: 1,
  timestamp: 1_700_000_000_000 + seq,
  contentType: 1,
  payload: { type: 1, content: text } as LocalMessage['payload'],
  header: { noPersist: false, redDot: true, syncOnce: false },
  setting: {},
  extra: untouchedExtra(),
  reactions: [],
  status: 'success',
  reasonCode: 1,
});

const unsent = (clientMsgNo: string, text: string): LocalMessage => ({
  ...message(0, text, clientMsgNo),
  messageId: '0',
  status: 'sending',
  reasonCode: 0,
});

const deleted = (seq: number): DeletedMessage => ({ messageSeq: seq, deleted: true });

const conversation = (peer: string, over: Partial<Conversation> = {}): Conversation => ({
  ...emptyConversation(`p2p|${peer}`, { channelId: peer, channelType: 1 }),
  updateTime: 1_700_000_000_000,
  version: 1,
  ...over,
});

const seqs = (rows: Array<{ messageSeq: number }>) => rows.map((r) => r.messageSeq);

/** Fills a store with one of everything, for the cases that read it all back. */
async function fill(store: ClientStore): Promise<void> {
  await store.putMessages('1:bob', [message(1), message(2), deleted(3)]);
  await store.putConversation(conversation('bob', { unreadCount: 2 }));
  await store.setSyncState({ token: 'token-1', version: 7 });
  // Not in alphabetical order: the outbox keeps the order sends were made, not their ids'.
  await store.putOutbox(unsent('zulu', 'one'));
  await store.putOutbox(unsent('alpha', 'two'));
}

async function expectFilled(store: ClientStore, what: string): Promise<void> {
  same(await store.messages('1:bob', 1, 3), [message(1), message(2), deleted(3)], `${what}: messages`);
  same(await store.cachedChannels(), [{ channel: '1:bob', maxSeq: 3 }], `${what}: cached channels`);
  same(await store.conversations(), [conversation('bob', { unreadCount: 2 })], `${what}: conversations`);
  same(await store.syncState(), { token: 'token-1', version: 7 }, `${what}: sync state`);
  same(await store.outbox(), [unsent('zulu', 'one'), unsent('alpha', 'two')], `${what}: outbox`);
}

async function expectEmpty(store: ClientStore, what: string): Promise<void> {
  same(await store.messages('1:bob', 1, 100), [], `${what}: messages`);
  same(await store.cachedChannels(), [], `${what}: cached channels`);
  same(await store.conversations(), [], `${what}: conversations`);
  same(await store.syncState(), { token: undefined, version: 0 }, `${what}: sync state`);
  same(await store.outbox(), [], `${what}: outbox`);
}

export const storeContract: StoreContractCase[] = [
  {
    name: 'a new store holds nothing: no messages, channels, conversations, sync token or sends',
    run: async (s) => expectEmpty(await s.open('empty'), 'new store'),
  },
  {
    name: 'messages are read by seq range, ascending, per channel; seq 0 is never kept',
    run: async (s) => {
      const store = await s.open('ranges');
      await store.putMessages('1:bob', [message(3), message(1), message(0), message(2)]);
      await store.putMessages('2:team', [message(2, 'in the group')]);
      same(seqs(await store.messages('1:bob', 1, 3)), [1, 2, 3], 'the whole range');
      same(seqs(await store.messages('1:bob', 2, 2)), [2], 'one seq');
      same(seqs(await store.messages('1:bob', 3, 9)), [3], 'past the end');
      same(await store.messages('1:bob', 5, 9), [], 'nothing there');
      same(await store.messages('1:bob', 3, 1), [], 'an empty range');
      same(await store.messages('2:team', 1, 3), [message(2, 'in the group')], 'another channel');
      same(await store.messages('1:nobody', 1, 3), [], 'an unknown channel');
    },
  },
  {
    name: 'a range as wide as every seq answers what is there',
    run: async (s) => {
      const store = await s.open('wide');
      await store.putMessages('1:bob', [message(7), message(900_000)]);
      same(seqs(await store.messages('1:bob', 1, Number.MAX_SAFE_INTEGER)), [7, 900_000], 'every seq');
    },
  },
  {
    name: 'a seq put again is replaced; a seq deleted for the user is kept as a deletion',
    run: async (s) => {
      const store = await s.open('replace');
      await store.putMessages('1:bob', [message(1, 'first'), message(2)]);
      await store.putMessages('1:bob', [message(1, 'edited'), deleted(2)]);
      same(await store.messages('1:bob', 1, 2), [message(1, 'edited'), deleted(2)], 'after the second put');
    },
  },
  {
    name: 'each cached channel is listed with its highest seq; clearing one channel leaves the others',
    run: async (s) => {
      const store = await s.open('channels');
      await store.putMessages('1:bob', [message(4), message(2)]);
      await store.putMessages('1:bob', [message(3)]);
      await store.putMessages('2:team', [message(9)]);
      const byChannel = (list: Array<{ channel: string; maxSeq: number }>) => [...list].sort((a, b) => (a.channel < b.channel ? -1 : 1));
      same(
        byChannel(await store.cachedChannels()),
        [
          { channel: '1:bob', maxSeq: 4 },
          { channel: '2:team', maxSeq: 9 },
        ],
        'channels',
      );
      await store.clearChannel('1:bob');
      same(await store.messages('1:bob', 1, 10), [], 'the cleared channel');
      same(await store.cachedChannels(), [{ channel: '2:team', maxSeq: 9 }], 'channels after clearing one');
      same(seqs(await store.messages('2:team', 1, 10)), [9], 'the other channel');
    },
  },
  {
    name: 'conversations are kept by id: a put replaces, a remove drops',
    run: async (s) => {
      const store = await s.open('conversations');
      await store.putConversation(conversation('bob'));
      await store.putConversation(conversation('carol'));
      await store.putConversation(conversation('bob', { unreadCount: 3, version: 2 }));
      await store.removeConversation('p2p|carol');
      await store.removeConversation('p2p|nobody');
      same(await store.conversations(), [conversation('bob', { unreadCount: 3, version: 2 })], 'conversations');
    },
  },
  {
    name: 'the sync state reads back as it was set',
    run: async (s) => {
      const store = await s.open('sync');
      await store.setSyncState({ token: 'a', version: 1 });
      await store.setSyncState({ token: 'b', version: 5 });
      same(await store.syncState(), { token: 'b', version: 5 }, 'sync state');
    },
  },
  {
    name: 'the outbox keeps the order sends were made; a send put again keeps its place; a removed one goes',
    run: async (s) => {
      const store = await s.open('outbox');
      for (const no of ['m', 'z', 'b']) await store.putOutbox(unsent(no, `text ${no}`));
      await store.putOutbox({ ...unsent('m', 'text m'), status: 'fail', reasonCode: 0 });
      await store.removeOutbox('z');
      await store.removeOutbox('never-queued');
      await store.putOutbox(unsent('a', 'text a'));
      same(
        (await store.outbox()).map((m) => [m.clientMsgNo, m.status]),
        [
          ['m', 'fail'],
          ['b', 'sending'],
          ['a', 'sending'],
        ],
        'outbox',
      );
    },
  },
  {
    name: 'clear forgets everything, and the store takes new data after it',
    run: async (s) => {
      const store = await s.open('clear');
      await fill(store);
      await store.clear();
      await expectEmpty(store, 'after clear');
      await store.putOutbox(unsent('after', 'again'));
      same(
        (await store.outbox()).map((m) => m.clientMsgNo),
        ['after'],
        'outbox after clear',
      );
    },
  },
  {
    name: "two users' stores are apart: neither sees the other's data",
    run: async (s) => {
      const alice = await s.open('apart-alice');
      await fill(alice);
      const bob = await s.open('apart-bob');
      await expectEmpty(bob, "bob's store");
      await bob.clear();
      await expectFilled(alice, "alice's store after bob's clear");
    },
  },
  {
    name: 'everything survives a reopen, and the outbox goes on in order after it',
    persistent: true,
    run: async (s) => {
      await fill(await s.open('reopen'));
      const again = await (s.reopen as (uid: string) => Promise<ClientStore>)('reopen');
      await expectFilled(again, 'reopened');
      await again.putOutbox(unsent('third', 'three'));
      same(
        (await again.outbox()).map((m) => m.clientMsgNo),
        ['zulu', 'alpha', 'third'],
        'outbox after a new send',
      );
    },
  },
  {
    name: 'a clear survives a reopen',
    persistent: true,
    run: async (s) => {
      const store = await s.open('reopen-cleared');
      await fill(store);
      await store.clear();
      await expectEmpty(await (s.reopen as (uid: string) => Promise<ClientStore>)('reopen-cleared'), 'reopened after clear');
    },
  },
];

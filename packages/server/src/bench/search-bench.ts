import BetterSqlite3 from 'better-sqlite3';
import { messageTsvector } from '../adapters/storage/postgres/search.js';
import { messageInsertLog } from '../adapters/storage/sqlite/search-index.js';
import { MessageExpiry } from '../domain/retention/expiry.js';
import { SearchService } from '../domain/search/search-service.js';
import type { Storage } from '../ports/storage/index.js';
import { withPostgres, withSqlite } from './bench-storage.js';
import { fmt } from './report.js';
import { summarize } from './stats.js';

/**
 * Message search in a big store (issue 17): `total` messages in GROUPS groups of MEMBERS members
 * (each user in 5 groups, so a user may read 1 % of the store), each message six Latin words and
 * (every other one) three two-character Chinese words run together, both drawn from Zipf-like
 * vocabularies, so that some words are in 5 % of the messages and most are rare. Timed in-process on
 * SearchService (the store's query and the rendering of the page), limit 20, per kind of query.
 */
const USERS = 2000;
const GROUPS = 500;
const MEMBERS = 20;
const T0 = 1_700_000_000_000;
const META = '{"header":{"noPersist":false,"redDot":true,"syncOnce":false},"setting":{}}';

let seed = 7;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};
/** A rank in 0..n-1, rank r drawn with probability about 1/(r+1) (Zipf). */
const zipf = (n: number) => Math.min(n - 1, Math.floor(Math.exp(random() * Math.log(n + 1))) - 1);
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const LATIN = Array.from({ length: 5000 }, (_, i) => {
  let w = '';
  for (let k = 0, n = 5 + (i % 4); k < n; k++) w += LETTERS[Math.floor(random() * 26)];
  return w;
});
const HAN = [
  ...'的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跑',
];
const CJK = Array.from({ length: 600 }, () => `${HAN[Math.floor(random() * HAN.length)]}${HAN[Math.floor(random() * HAN.length)]}`);

function content(i: number): string {
  const words = Array.from({ length: 6 }, () => LATIN[zipf(LATIN.length)]);
  if (i % 2 === 0) words.splice(3, 0, Array.from({ length: 3 }, () => CJK[zipf(CJK.length)]).join(''));
  return words.join(' ');
}

const uid = (n: number) => `sb-u${n}`;
/** Group g's members: distinct for k < 20 (101 is prime to 2000); each user is in GROUPS * MEMBERS / USERS = 5 groups. */
const memberOf = (g: number, k: number) => (g * 7 + k * 101) % USERS;

/** The message at global position t (time order): group t % GROUPS, its (t / GROUPS + 1)-th. */
function row(t: number) {
  const g = t % GROUPS;
  const seq = Math.floor(t / GROUPS) + 1;
  const from = uid(memberOf(g, t % MEMBERS));
  return { g, seq, from, id: String(1_000_000_000 + t), ts: T0 + t, payload: JSON.stringify({ type: 1, content: content(t) }) };
}

interface Kind {
  name: string;
  /** The query a run of this kind sends (by run number). */
  query: (i: number) => { uid: string; q: string; conversationId?: string };
}

const reader = (i: number) => uid((i * 37) % USERS);
const groupOf = (i: number) => {
  const g = (i * 13) % GROUPS;
  return { uid: uid(memberOf(g, i % MEMBERS)), conversationId: `team|sb-g${g}` };
};
const KINDS: Kind[] = [
  { name: 'common Latin word (in 19-40 % of messages)', query: (i) => ({ uid: reader(i), q: LATIN[i % 3] as string }) },
  { name: 'rare Latin word', query: (i) => ({ uid: reader(i), q: LATIN[1000 + (i % 3000)] as string }) },
  {
    name: 'Latin prefix, two words',
    query: (i) => ({ uid: reader(i), q: `${(LATIN[5 + (i % 50)] as string).slice(0, 3)} ${LATIN[i % 20]}` }),
  },
  { name: 'Chinese two-character word', query: (i) => ({ uid: reader(i), q: CJK[i % 200] as string }) },
  { name: 'Chinese four characters (phrase)', query: (i) => ({ uid: reader(i), q: `${CJK[i % 10]}${CJK[(i + 1) % 10]}` }) },
  { name: 'one conversation, common word', query: (i) => ({ ...groupOf(i), q: LATIN[i % 5] as string }) },
  // The worst case of an index-driven search: every match is someone else's, all of them are checked.
  { name: 'common word, reader in no group (nothing readable)', query: (i) => ({ uid: 'sb-outsider', q: LATIN[i % 3] as string }) },
];

async function measure(storage: Storage, label: string, total: number, runs: number): Promise<string[]> {
  const search = new SearchService(storage, new MessageExpiry(storage, 0));
  const rows: string[] = [];
  for (const kind of KINDS) {
    for (let i = 0; i < 20; i++) await search.messages(kind.query(i).uid, { q: kind.query(i).q, limit: 20 });
    const samples: number[] = [];
    let found = 0;
    for (let i = 0; i < runs; i++) {
      const { uid: who, ...params } = kind.query(i + 20);
      const start = performance.now();
      const page = await search.messages(who, { ...params, limit: 20 });
      samples.push(performance.now() - start);
      found += page.messages.length;
    }
    const s = summarize(samples);
    rows.push(
      `| ${label} | ${fmt(total, 0)} | ${kind.name} | ${fmt(found / runs, 1)} | ${fmt(s.p50, 2)} | ${fmt(s.p99, 2)} | ${fmt(s.max, 2)} | ${s.n} |`,
    );
  }
  return rows;
}

const LOAD_BATCH = 5000;

async function seedPeople(storage: Storage): Promise<void> {
  const users = Array.from({ length: USERS }, (_, n) => ({ uid: uid(n) }));
  await storage.users.upsertMany([...users, { uid: 'sb-outsider' }], T0);
}

export async function searchBenchSqlite(total: number, runs: number): Promise<string[]> {
  return withSqlite(async (storage, file) => {
    await seedPeople(storage);
    const db = new BetterSqlite3(file);
    db.pragma('synchronous = OFF');
    const started = performance.now();
    db.transaction(() => {
      const channel = db.prepare(
        'INSERT INTO channels (channel_type, channel_id, name, member_count, max_seq, red_count, last_msg_at, created_at, updated_at) VALUES (2, ?, ?, ?, ?, ?, ?, ?, ?)',
      );
      const member = db.prepare('INSERT INTO members (channel_type, channel_id, uid, join_seq, joined_at) VALUES (2, ?, ?, 0, ?)');
      const conversation = db.prepare(
        "INSERT INTO conversations (uid, conversation_id, channel_type, channel_id, sort_ts, last_seq) VALUES (?, 'team|' || ?, 2, ?, ?, ?)",
      );
      const perGroup = Math.ceil(total / GROUPS);
      for (let g = 0; g < GROUPS; g++) {
        channel.run(`sb-g${g}`, `Group ${g}`, MEMBERS, perGroup, perGroup, T0 + total, T0, T0);
        for (let k = 0; k < MEMBERS; k++) {
          member.run(`sb-g${g}`, uid(memberOf(g, k)), T0);
          conversation.run(uid(memberOf(g, k)), `sb-g${g}`, `sb-g${g}`, T0 + total - GROUPS + g, perGroup);
        }
      }
    })();
    const insert = db.prepare(`
      INSERT INTO messages (channel_type, channel_id, seq, message_id, client_msg_no, from_uid, ts, content_type, red_dot, red_ord, payload, meta)
      VALUES (2, ?, ?, ?, ?, ?, ?, 1, 1, ?, ?, ?)`);
    // As the store's commit does: the inserted rows logged for the index, once a transaction.
    const logInserted = messageInsertLog(db);
    const batch = db.transaction((from: number, to: number) => {
      let last = 0;
      for (let t = from; t < to; t++) {
        const r = row(t);
        last = insert.run(`sb-g${r.g}`, r.seq, r.id, `sb-${t}`, r.from, r.ts, r.seq, r.payload, META).lastInsertRowid as number;
      }
      logInserted(last - (to - from) + 1, last);
    });
    for (let t = 0; t < total; t += LOAD_BATCH) batch(t, Math.min(total, t + LOAD_BATCH));
    db.exec('ANALYZE');
    db.close();
    const loaded = performance.now();
    // The index is written after the commits (a worker thread, as in the server): the first search
    // waits until it has caught up with everything loaded.
    await new SearchService(storage, new MessageExpiry(storage, 0)).messages(reader(0), { q: LATIN[0] as string, limit: 1 });
    const seconds = (from: number, to: number) => ((to - from) / 1000).toFixed(1);
    console.log(
      `search bench: SQLite loaded ${total} messages in ${seconds(started, loaded)} s; the first search waited ${seconds(loaded, performance.now())} s for the index`,
    );
    return measure(storage, 'SQLite', total, runs);
  });
}

export async function searchBenchPostgres(total: number, runs: number): Promise<string[]> {
  const rows: string[] = [];
  const failed = await withPostgres(async (storage, sql) => {
    await seedPeople(storage);
    const started = performance.now();
    const perGroup = Math.ceil(total / GROUPS);
    const groups = Array.from({ length: GROUPS }, (_, g) => `sb-g${g}`);
    await sql(
      `INSERT INTO channels (channel_type, channel_id, name, member_count, max_seq, red_count, last_msg_at, created_at, updated_at)
       SELECT 2, g, 'Group ' || g, $2, $3, $3, $4, $5, $5 FROM unnest($1::text[]) AS g`,
      [groups, MEMBERS, perGroup, T0 + total, T0],
    );
    const pairs = groups.flatMap((g, i) => Array.from({ length: MEMBERS }, (_, k) => [g, uid(memberOf(i, k))] as const));
    await sql(
      'INSERT INTO members (channel_type, channel_id, uid, join_seq, joined_at) SELECT 2, g, u, 0, $3 FROM unnest($1::text[], $2::text[]) AS x(g, u)',
      [pairs.map((p) => p[0]), pairs.map((p) => p[1]), T0],
    );
    await sql(
      `INSERT INTO conversations (uid, conversation_id, channel_type, channel_id, sort_ts, last_seq)
       SELECT u, 'team|' || g, 2, g, $3, $4 FROM unnest($1::text[], $2::text[]) AS x(g, u)`,
      [pairs.map((p) => p[0]), pairs.map((p) => p[1]), T0 + total, perGroup],
    );
    // Loaded without the GIN index, which is built once at the end (as an operator would for a bulk load).
    await sql('DROP INDEX messages_search');
    for (let t = 0; t < total; t += LOAD_BATCH) {
      const batch = Array.from({ length: Math.min(LOAD_BATCH, total - t) }, (_, i) => row(t + i));
      await sql(
        `INSERT INTO messages (channel_type, channel_id, seq, message_id, client_msg_no, from_uid, ts, content_type, red_dot, red_ord, payload, meta, search_tsv)
         SELECT 2, 'sb-g' || g, seq, id, 'sb-' || id, f, ts, 1, TRUE, seq, p, $7, v::tsvector
         FROM unnest($1::int[], $2::bigint[], $3::text[], $4::text[], $5::bigint[], $6::text[], $8::text[]) AS x(g, seq, id, f, ts, p, v)`,
        [
          batch.map((r) => r.g),
          batch.map((r) => r.seq),
          batch.map((r) => r.id),
          batch.map((r) => r.from),
          batch.map((r) => r.ts),
          batch.map((r) => r.payload),
          META,
          batch.map((r) => messageTsvector(r.payload, { channelType: 2, channelId: `sb-g${r.g}` })),
        ],
      );
    }
    await sql('CREATE INDEX messages_search ON messages USING GIN (search_tsv)');
    await sql('ANALYZE');
    console.log(`search bench: PostgreSQL loaded and indexed ${total} messages in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    rows.push(...(await measure(storage, 'PostgreSQL', total, runs)));
    return '';
  });
  return failed ? [failed] : rows;
}

import path from 'node:path';
import { openSqlite } from '../adapters/storage/sqlite/index.js';
import { personChannelId } from '../domain/channels/person-channel.js';
import { MessageIdGenerator } from '../domain/messages/message-id.js';
import type { NewMessage } from '../ports/storage/index.js';

/**
 * A SQLite data dir for measuring `parley migrate-to-postgres`: users, 1:1 chats, groups and
 * super groups, and `messages` messages committed through the storage port in batches as the send
 * path commits them (so conversation rows, versions and counters are the real ones), plus edits,
 * reactions, receipts, revokes, one-way deletes, pins and ext here and there.
 *
 *   node packages/server/dist/bench/make-migration-data.js <dataDir> [messages=200000] [users=2000]
 */
const [dataDir, messagesArg = '200000', usersArg = '2000'] = process.argv.slice(2);
if (!dataDir) {
  console.error('usage: make-migration-data <dataDir> [messages] [users]');
  process.exit(2);
}
const total = Number(messagesArg);
const userCount = Number(usersArg);
const BATCH = 500;
const GROUPS = 50;
const GROUP_SIZE = 20;
const SUPER_GROUPS = 4;
const SUPER_SIZE = 500;

const storage = openSqlite({ file: path.join(dataDir, 'parley.db'), synchronous: 'NORMAL' });
const ids = new MessageIdGenerator(1);
const uid = (n: number) => `user${String(n % userCount).padStart(6, '0')}`;
const started = Date.now();
let now = Date.now() - total * 5;

await storage.users.upsertMany(
  Array.from({ length: userCount }, (_, n) => ({ uid: uid(n), name: `User ${n}` })),
  now,
);
for (let g = 0; g < GROUPS; g++)
  await storage.channels.createGroup(
    { channelType: 2, channelId: `group${g}`, name: `Group ${g}`, ownerUid: uid(g * GROUP_SIZE), allowHistory: g % 2 === 0 },
    Array.from({ length: GROUP_SIZE }, (_, i) => uid(g * GROUP_SIZE + i)),
    now,
  );
for (let s = 0; s < SUPER_GROUPS; s++)
  await storage.channels.createGroup(
    { channelType: 3, channelId: `super${s}`, name: `Super ${s}`, ownerUid: uid(s), allowHistory: true },
    Array.from({ length: SUPER_SIZE }, (_, i) => uid(s * SUPER_SIZE + i)),
    now,
  );

const meta = (receipt: boolean) =>
  JSON.stringify({ header: { noPersist: false, redDot: true, syncOnce: false }, setting: receipt ? { receipt } : {} });

/** Message n: mostly 1:1 between neighbours, then groups, some super groups. */
function message(n: number): NewMessage {
  const from = uid((n * 7919) % userCount);
  const common = {
    messageId: ids.next(now),
    clientMsgNo: `gen-${n}`,
    fromUid: from,
    timestamp: now,
    contentType: 1,
    payloadJson: JSON.stringify({ type: 1, content: `message ${n} ${'lorem ipsum '.repeat(n % 8)}` }),
    metaJson: meta(n % 50 === 0),
    redDot: true,
    mentionUids: [],
    mentionAll: false,
  };
  const kind = n % 10;
  if (kind < 6) {
    const peer = uid((n * 7919 + 1 + (n % 13)) % userCount);
    return {
      ...common,
      channelType: 1,
      channelId: personChannelId(from, peer),
      fanout: {
        kind: 'users',
        targets: [
          { uid: from, conversationId: `p2p|${peer}` },
          { uid: peer, conversationId: `p2p|${from}` },
        ],
      },
    };
  }
  if (kind < 9) {
    const g = n % GROUPS;
    return {
      ...common,
      fromUid: uid(g * GROUP_SIZE + (n % GROUP_SIZE)),
      channelType: 2,
      channelId: `group${g}`,
      fanout: { kind: 'members', conversationId: `team|group${g}` },
    };
  }
  const s = n % SUPER_GROUPS;
  return {
    ...common,
    fromUid: uid(s * SUPER_SIZE + (n % SUPER_SIZE)),
    channelType: 3,
    channelId: `super${s}`,
    fanout: { kind: 'none', conversationId: `super_team|super${s}` },
  };
}

for (let n = 0; n < total; n += BATCH) {
  const batch: NewMessage[] = [];
  for (let i = n; i < Math.min(n + BATCH, total); i++) {
    now += 5;
    batch.push(message(i));
  }
  const results = await storage.messages.commit(batch);
  // Now and then what users do to stored messages.
  for (const [i, r] of results.entries()) {
    if (r.status !== 'stored' || (n + i) % 97 !== 0) continue;
    const m = batch[i] as NewMessage;
    const ref = { channelType: m.channelType, channelId: m.channelId, seq: r.ack.messageSeq };
    const other = uid((n + i + 3) % userCount);
    await storage.messageState.react(ref, other, '👍', true, 20, now);
    if ((n + i) % 3 === 0) await storage.messageState.edit(ref, JSON.stringify({ type: 1, content: 'edited' }), now, 10);
    if ((n + i) % 5 === 0) await storage.messageState.revoke(ref, m.fromUid, now);
    if ((n + i) % 7 === 0) await storage.messageState.addReceipts(other, [ref], now);
    const own = r.conversations.find((c) => c.uid !== m.fromUid);
    if (own && (n + i) % 11 === 0) await storage.messageState.deleteForUser(own.uid, own.conversationId, m, [r.ack.messageSeq]);
    if (own && (n + i) % 13 === 0) await storage.conversations.update(own.uid, own, { pinnedAt: now, ext: `ext ${n + i}` });
  }
  if ((n / BATCH) % 40 === 0) console.log(`${n + batch.length} messages, ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
console.log(JSON.stringify(await storage.rowCounts()));
await storage.close();

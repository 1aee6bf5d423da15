import { ParleyError } from '@parley/protocol';
import { MemoryBus } from '../adapters/bus/memory.js';
import type { Limits } from '../config.js';
import { ConversationService } from '../domain/conversations/conversation-service.js';
import { encodeSyncToken } from '../domain/conversations/tokens.js';
import { DeliveryRouter } from '../domain/delivery/router.js';
import { MessageActions } from '../domain/messages/message-actions.js';
import { MessageReader } from '../domain/messages/message-reader.js';
import { SyncOnceService } from '../domain/messages/sync-once-service.js';
import type { ChannelKey, Storage } from '../ports/storage/index.js';
import { count } from './copy-tables.js';
import { firstDifference } from './first-difference.js';
import type { SqliteSource } from './sqlite-source.js';

/** What a server on one store would answer: the domain services over it, with a bus that reaches nobody. */
class Views {
  readonly conversations: ConversationService;
  readonly actions: MessageActions;
  readonly reader: MessageReader;
  readonly syncOnce: SyncOnceService;
  private readonly bus = new MemoryBus();

  constructor(
    readonly storage: Storage,
    limits: Limits,
  ) {
    const router = new DeliveryRouter(
      this.bus,
      (uid) => storage.channels.superGroupsOf(uid),
      async () => new Set(),
    );
    this.conversations = new ConversationService(storage, router, limits);
    this.actions = new MessageActions(storage, router, this.conversations, limits);
    this.reader = new MessageReader(storage);
    this.syncOnce = new SyncOnceService(storage.syncOnce);
  }

  close(): Promise<void> {
    return this.bus.close();
  }
}

/** A read's outcome, a refusal included (a user the server refuses on one store must be refused on the other). */
type Outcome<T> = { ok: T } | { error: string };

async function outcome<T>(read: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: await read() };
  } catch (error) {
    if (error instanceof ParleyError) return { error: error.code };
    throw error;
  }
}

export interface VerifyOptions {
  limits: Limits;
  /** Users (and channels) checked side by side. */
  concurrency: number;
  /** Differences listed before the verification stops looking. */
  maxDifferences: number;
  say(line: string): void;
}

export interface VerifyResult {
  differences: string[];
  users: number;
  channels: number;
  messages: number;
}

const PAGE = 100;
const LOG_CHUNK = 500;
const HISTORY_PAGE = 20;

/**
 * Compares what a server on each store would show, through the storage ports and the domain
 * services the transports call (so it compares what users see, not rows): row counts per table;
 * per channel its record, members, whitelist and whole log rendered with edits, revokes,
 * reactions and receipts, and that its last clientMsgNo is still known; per user their profile,
 * blacklist, every page of their conversation list and pinned list, total unread, a sync from the
 * beginning (every change and tombstone), their own conversation rows, the first history page of
 * each conversation as they see it (their window and one-way deletes) and their sync-once queue.
 */
export async function verifyStores(sqlite: SqliteSource, from: Storage, to: Storage, options: VerifyOptions): Promise<VerifyResult> {
  const source = new Views(from, options.limits);
  const target = new Views(to, options.limits);
  const differences: string[] = [];
  const full = () => differences.length >= options.maxDifferences;

  /** Reads the same thing from both; records a difference; answers the source's outcome. */
  async function same<T>(what: string, read: (v: Views) => Promise<T>): Promise<Outcome<T>> {
    const [a, b] = await Promise.all([outcome(() => read(source)), outcome(() => read(target))]);
    const diff = firstDifference(a, b);
    if (diff && !full()) differences.push(`${what}: ${diff} (SQLite ≠ PostgreSQL)`);
    return a;
  }

  async function eachInBatches<T>(batches: Iterable<T[]>, check: (item: T) => Promise<void>): Promise<number> {
    let checked = 0;
    for (const batch of batches) {
      let next = 0;
      const worker = async () => {
        while (next < batch.length && !full()) await check(batch[next++] as T);
      };
      await Promise.all(Array.from({ length: options.concurrency }, worker));
      checked += batch.length;
      if (full()) break;
    }
    return checked;
  }

  try {
    await same('row counts', (v) => v.storage.rowCounts());
    options.say(differences.length ? 'verify: row counts differ' : 'verify: row counts of every table: equal');

    let phase = performance.now();
    const took = () => {
      const seconds = (performance.now() - phase) / 1000;
      phase = performance.now();
      return `${seconds.toFixed(1)} s`;
    };
    let messages = 0;
    const channels = await eachInBatches(sqlite.channelBatches(200), async (key) => {
      const seqs = await checkChannel(key);
      messages += seqs;
    });
    options.say(`verify: ${count(channels)} channels, ${count(messages)} messages (records, members, whole logs) in ${took()}${verdict()}`);

    const users = await eachInBatches(sqlite.uidBatches(200), checkUser);
    options.say(`verify: ${count(users)} users (lists, pins, unread, sync, own rows, history, sync-once) in ${took()}${verdict()}`);
    return { differences, users, channels, messages };
  } finally {
    await source.close();
    await target.close();
  }

  function verdict(): string {
    return differences.length ? `: ${differences.length} difference(s) so far` : ': identical';
  }

  async function checkChannel(key: ChannelKey): Promise<number> {
    const name = `channel ${key.channelType}/${key.channelId}`;
    const record = await same(`${name} record`, (v) => v.storage.channels.get(key));
    await same(`${name} members`, (v) => v.storage.channels.members(key));
    await same(`${name} whitelist`, (v) => v.storage.channels.whitelist(key));
    await same(`${name} message count`, (v) => v.storage.messages.count(key));
    const channel = 'ok' in record ? record.ok : undefined;
    if (!channel) return 0;
    // Anyone of the channel: the log's content does not depend on who reads it (only a person
    // channel's id, which is the viewer's peer).
    const viewer = key.channelType === 1 ? key.channelId.slice(0, key.channelId.indexOf('|')) : channel.ownerUid;
    let last: { fromUid: string; clientMsgNo: string; messageId: string } | undefined;
    for (let fromSeq = 1; fromSeq <= channel.maxSeq && !full(); fromSeq += LOG_CHUNK) {
      const toSeq = Math.min(fromSeq + LOG_CHUNK - 1, channel.maxSeq);
      const log = await same(`${name} messages ${fromSeq}..${toSeq}`, async (v) =>
        v.reader.render(viewer, await v.storage.messages.range(key, fromSeq, toSeq)),
      );
      if ('ok' in log && log.ok.length) last = log.ok[log.ok.length - 1] as typeof last;
    }
    // A resend of the last message after the move is answered with its first ack.
    if (last) {
      const { fromUid, clientMsgNo } = last;
      await same(
        `${name} clientMsgNo ${clientMsgNo} of ${fromUid}`,
        async (v) => (await v.storage.messages.byClientMsgNo(fromUid, clientMsgNo))?.messageId,
      );
    }
    return channel.maxSeq;
  }

  async function checkUser(uid: string): Promise<void> {
    const who = `user ${uid}`;
    await same(`${who} profile`, (v) => v.storage.users.get(uid));
    await same(`${who} blacklist`, (v) => v.storage.users.blacklist(uid));
    for (const kind of ['list', 'pinned'] as const) {
      let cursor: string | undefined;
      for (let page = 1; !full(); page++) {
        const read = await same(`${who} conversation ${kind} page ${page}`, (v) =>
          kind === 'list' ? v.conversations.list(uid, { limit: PAGE, cursor }) : v.conversations.listPinned(uid, { limit: PAGE, cursor }),
        );
        if (!('ok' in read) || !read.ok.hasMore || !read.ok.cursor) break;
        cursor = read.ok.cursor;
      }
    }
    await same(`${who} total unread`, (v) => v.conversations.totalUnread(uid));
    // A sync from the very beginning: every conversation and tombstone the user has, and the
    // token a client gets; a token from before the move goes on from the same versions.
    const clock = await from.conversations.clock(uid);
    let since = encodeSyncToken({ version: 0, clock: 0, epoch: clock.epoch });
    for (let page = 1; !full(); page++) {
      const read = await same(`${who} sync page ${page}`, (v) => v.conversations.sync(uid, since));
      if (!('ok' in read) || !read.ok.hasMore) break;
      since = read.ok.syncToken;
    }
    for (let version = 0; !full(); ) {
      const read = await same(`${who} conversation rows after version ${version}`, (v) =>
        v.storage.conversations.changedSince(uid, version, PAGE),
      );
      if (!('ok' in read)) break;
      for (const row of read.ok) {
        await same(`${who} history of ${row.conversationId}`, (v) =>
          v.actions.history(uid, { conversationId: row.conversationId, limit: HISTORY_PAGE }),
        );
      }
      const end = read.ok[read.ok.length - 1];
      if (read.ok.length < PAGE || !end) break;
      version = end.version;
    }
    // Super groups: the member's view (their own row may have no version, so changedSince skips it).
    const views = await same(`${who} super groups`, async (v) =>
      (await v.storage.conversations.superGroups(uid)).sort((a, b) => (a.channel.channelId < b.channel.channelId ? -1 : 1)),
    );
    for (const view of 'ok' in views ? views.ok : []) {
      const conversationId = `super_team|${view.channel.channelId}`;
      await same(`${who} history of ${conversationId}`, (v) => v.actions.history(uid, { conversationId, limit: HISTORY_PAGE }));
    }
    await same(`${who} sync-once queue`, (v) => v.syncOnce.pending(uid, PAGE));
  }
}

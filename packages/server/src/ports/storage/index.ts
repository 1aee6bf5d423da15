import type { ChannelStore } from './channels.js';
import type { ConversationStore } from './conversations.js';
import type { MessageStateStore } from './message-state.js';
import type { MessageStreamStore } from './message-streams.js';
import type { MessageStore } from './messages.js';
import type { PresenceStore } from './presence.js';
import type { RetentionStore } from './retention.js';
import type { SearchStore } from './search.js';
import type { SyncOnceStore } from './sync-once.js';
import type { UserDataStore } from './user-data.js';
import type { UserStore } from './users.js';
import type { WebhookOutboxStore } from './webhook-outbox.js';

export type * from './channels.js';
export type * from './conversations.js';
export { isListedRow, MUTED_FOREVER } from './conversations.js';
export type * from './message-state.js';
export { refKey } from './message-state.js';
export type * from './message-streams.js';
export { planAppend, STREAM_ENDED, STREAM_NONE, STREAM_OPEN } from './message-streams.js';
export type * from './messages.js';
export type * from './presence.js';
export type * from './retention.js';
export { channelRefKey, cutoffOf, DAY_MS, EXPIRY_MARGIN_MS, effectiveDays, NO_FLOOR } from './retention.js';
export type * from './search.js';
export type * from './search-text.js';
export type * from './sync-once.js';
export type * from './user-data.js';
export { erasedClientMsgNo } from './user-data.js';
export type * from './users.js';
export type * from './webhook-outbox.js';
export { laneOf, OUTBOX_LANES } from './webhook-outbox.js';

/**
 * Everything the domain persists, behind narrow ports. Each port states its ordering, atomicity,
 * idempotency and concurrency rules on its interface and methods, and `storage.contract.ts` has a
 * test for each: a backend is whatever passes that suite (docs/architecture.md, "Writing a storage
 * backend"). Rules every port keeps:
 * - Every method is atomic: it happens whole or not at all (a failure rejects and writes nothing),
 *   and no other call sees half of it.
 * - Calls come concurrently (the domain serializes nothing) and every rule holds under any
 *   interleaving; a backend that several server nodes can share keeps them across nodes too.
 * - Ids (uids, channel, conversation and message ids, client message numbers) compare exactly:
 *   case-sensitive, no normalization. Where a method returns them sorted, the order is by code point
 *   (bytewise UTF-8, SQL's binary or "C" collation), never a locale's.
 * - Times are ms since the epoch and come from the caller (`now`, `at`, message timestamps): a
 *   store never puts its own clock into the data.
 */
export interface Storage {
  /** Which backend this is, for logs and `/healthz`: a name, not a switch (see StorageDialect). */
  readonly dialect: StorageDialect;
  /**
   * How many `messages.commit` calls the server may have running at once, on batches that share no
   * channel (1: one at a time). A backend that can commit them side by side (row locks, a pool) and
   * still keep every rule of MessageStore says more; one connection or one writer says 1.
   */
  readonly commitConcurrency: number;
  readonly users: UserStore;
  readonly channels: ChannelStore;
  readonly messages: MessageStore;
  readonly conversations: ConversationStore;
  readonly messageState: MessageStateStore;
  /** Streamed messages: chunks, end, idle close. */
  readonly streams: MessageStreamStore;
  readonly syncOnce: SyncOnceStore;
  readonly retention: RetentionStore;
  /** Full-text search over what a user may read, and the conversation list's search box. */
  readonly search: SearchStore;
  /** A user's data as a whole: exports and erasure. */
  readonly userData: UserDataStore;
  /** Webhook events waiting to be delivered, and the webhook's URL as the admin API set it. */
  readonly webhookOutbox: WebhookOutboxStore;
  readonly presence: PresenceStore;
  /**
   * Records per kind (a SQL adapter: rows per table), for tests to prove how many records an
   * operation wrote: the contract sums the values around a commit and reads `messages` by name.
   */
  rowCounts(): Promise<Record<string, number>>;
  /**
   * How another thread of this process opens its own connection to the same data (the webhook
   * delivery worker, docs/webhooks.md): plain data, passed to a Worker as is. Absent where there is
   * no such way (an in-memory SQLite database, a store made by hand): that work then stays on the
   * main thread.
   */
  readonly source?: StorageSource;
  /**
   * A SQLite store that checkpoints its WAL on a worker thread: what those checkpoints did so far,
   * for `/metrics`. Absent on every other store.
   */
  walCheckpoints?(): WalCheckpointStats;
  /** Releases connections and handles. Idempotent: a second call resolves too. Nothing is called after it. */
  close(): Promise<void>;
}

/** What a SQLite store's background WAL checkpoints did since it opened. */
export interface WalCheckpointStats {
  /** Workers started: 1, plus one for each restart after a worker ended. */
  starts: number;
  /** WAL frames the workers copied into the database file. */
  framesCheckpointed: number;
}

/** Where a store's data is, as `openStorageSource` (adapters/storage/open-source.ts) reopens it. */
export type StorageSource = { kind: 'sqlite'; file: string } | { kind: 'postgres'; connectionString: string; schema?: string };

/** The backends this repository ships, by `Storage.dialect`. */
export type KnownStorageDialect = 'sqlite' | 'postgres';

/**
 * A backend's name: any string, so that a new backend names itself without editing this file (the
 * known ones stay offered by editors). Code never branches on it to decide what a backend can do:
 * it asks a capability instead (as the test backends' `inProcess`).
 */
export type StorageDialect = KnownStorageDialect | (string & {});

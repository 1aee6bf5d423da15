import type { Conversation } from '@parley/protocol';
import type { ClientStore, DeletedMessage, LocalMessage } from './store.js';

const VERSION = 1;
const MESSAGES = 'messages';
const CHANNELS = 'channels';
const CONVERSATIONS = 'conversations';
const META = 'meta';
const OUTBOX = 'outbox';
const ALL = [MESSAGES, CHANNELS, CONVERSATIONS, META, OUTBOX];

interface CachedRow {
  channel: string;
  seq: number;
  row: LocalMessage | DeletedMessage;
}

interface QueuedSend {
  clientMsgNo: string;
  /** Where it stands in the outbox: sends go out in this order. */
  order: number;
  message: LocalMessage;
}

const done = <T>(request: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });

const committed = (tx: IDBTransaction): Promise<void> =>
  new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('parley: an IndexedDB transaction was aborted'));
  });

/**
 * The client's cache in the browser's IndexedDB, so a reload starts from it: conversations and their
 * sync token, each channel's history, and the outbox. One database per user (`parley:<uid>`), so two
 * people signing in on one browser never see each other's data; `clear()` (on sign-out) empties it.
 * Tabs of one user share it. Plain IndexedDB, no library.
 */
export class IndexedDbStore implements ClientStore {
  private db: Promise<IDBDatabase> | undefined;

  constructor(
    readonly uid: string,
    private readonly options: { name?: string; indexedDB?: IDBFactory } = {},
  ) {
    if (!uid) throw new TypeError('IndexedDbStore needs the uid whose data it keeps');
  }

  /** The database's name: `parley:<uid>` unless given. */
  get name(): string {
    return this.options.name ?? `parley:${this.uid}`;
  }

  async putMessages(channel: string, messages: ReadonlyArray<LocalMessage | DeletedMessage>): Promise<void> {
    const tx = await this.transaction([MESSAGES, CHANNELS], 'readwrite');
    const finished = committed(tx);
    let maxSeq = 0;
    for (const row of messages) {
      if (row.messageSeq <= 0) continue;
      tx.objectStore(MESSAGES).put({ channel, seq: row.messageSeq, row } satisfies CachedRow);
      maxSeq = Math.max(maxSeq, row.messageSeq);
    }
    const known = await done<{ maxSeq: number } | undefined>(tx.objectStore(CHANNELS).get(channel));
    if (maxSeq > (known?.maxSeq ?? 0)) tx.objectStore(CHANNELS).put({ channel, maxSeq });
    await finished;
  }

  async messages(channel: string, fromSeq: number, toSeq: number): Promise<Array<LocalMessage | DeletedMessage>> {
    if (fromSeq > toSeq) return [];
    const tx = await this.transaction([MESSAGES], 'readonly');
    const found = await done<CachedRow[]>(tx.objectStore(MESSAGES).getAll(IDBKeyRange.bound([channel, fromSeq], [channel, toSeq])));
    return found.map((c) => c.row);
  }

  async cachedChannels(): Promise<Array<{ channel: string; maxSeq: number }>> {
    const tx = await this.transaction([CHANNELS], 'readonly');
    return done(tx.objectStore(CHANNELS).getAll());
  }

  async clearChannel(channel: string): Promise<void> {
    const tx = await this.transaction([MESSAGES, CHANNELS], 'readwrite');
    const finished = committed(tx);
    tx.objectStore(MESSAGES).delete(IDBKeyRange.bound([channel, Number.NEGATIVE_INFINITY], [channel, Number.POSITIVE_INFINITY]));
    tx.objectStore(CHANNELS).delete(channel);
    await finished;
  }

  async putConversation(conversation: Conversation): Promise<void> {
    await this.write(CONVERSATIONS, (s) => s.put(conversation));
  }

  async removeConversation(conversationId: string): Promise<void> {
    await this.write(CONVERSATIONS, (s) => s.delete(conversationId));
  }

  async conversations(): Promise<Conversation[]> {
    const tx = await this.transaction([CONVERSATIONS], 'readonly');
    return done(tx.objectStore(CONVERSATIONS).getAll());
  }

  async syncState(): Promise<{ token: string | undefined; version: number }> {
    const tx = await this.transaction([META], 'readonly');
    const state = await done<{ token: string; version: number } | undefined>(tx.objectStore(META).get('sync'));
    return state ?? { token: undefined, version: 0 };
  }

  async setSyncState(state: { token: string; version: number }): Promise<void> {
    await this.write(META, (s) => s.put({ token: state.token, version: state.version }, 'sync'));
  }

  async outbox(): Promise<LocalMessage[]> {
    const tx = await this.transaction([OUTBOX], 'readonly');
    const queued = await done<QueuedSend[]>(tx.objectStore(OUTBOX).index('order').getAll());
    return queued.map((q) => q.message);
  }

  async putOutbox(message: LocalMessage): Promise<void> {
    // A send must survive a crash right after it was made: written through, not lazily.
    const tx = await this.transaction([OUTBOX], 'readwrite', 'strict');
    const finished = committed(tx);
    const store = tx.objectStore(OUTBOX);
    const existing = await done<QueuedSend | undefined>(store.get(message.clientMsgNo));
    let order = existing?.order;
    if (order === undefined) {
      const last = await done(store.index('order').openCursor(null, 'prev'));
      order = ((last?.value as QueuedSend | undefined)?.order ?? 0) + 1;
    }
    store.put({ clientMsgNo: message.clientMsgNo, order, message } satisfies QueuedSend);
    await finished;
  }

  async removeOutbox(clientMsgNo: string): Promise<void> {
    await this.write(OUTBOX, (s) => s.delete(clientMsgNo));
  }

  async clear(): Promise<void> {
    const tx = await this.transaction(ALL, 'readwrite', 'strict');
    const finished = committed(tx);
    for (const name of ALL) tx.objectStore(name).clear();
    await finished;
  }

  private async write(name: string, change: (store: IDBObjectStore) => void): Promise<void> {
    const tx = await this.transaction([name], 'readwrite');
    const finished = committed(tx);
    change(tx.objectStore(name));
    await finished;
  }

  private async transaction(
    names: string[],
    mode: IDBTransactionMode,
    durability: 'default' | 'strict' = 'default',
  ): Promise<IDBTransaction> {
    return (await this.open()).transaction(names, mode, { durability });
  }

  private open(): Promise<IDBDatabase> {
    this.db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const factory = this.options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
      if (!factory) {
        reject(new Error('parley: IndexedDB is not available here; use MemoryStore, or FileStore from @parley/client/node'));
        return;
      }
      const request = factory.open(this.name, VERSION);
      request.onupgradeneeded = () => {
        const db = request.result;
        db.createObjectStore(MESSAGES, { keyPath: ['channel', 'seq'] });
        db.createObjectStore(CHANNELS, { keyPath: 'channel' });
        db.createObjectStore(CONVERSATIONS, { keyPath: 'conversationId' });
        db.createObjectStore(META);
        db.createObjectStore(OUTBOX, { keyPath: 'clientMsgNo' }).createIndex('order', 'order', { unique: true });
      };
      request.onsuccess = () => {
        const db = request.result;
        // Another tab deletes or upgrades the database: let it, and open it again on the next call.
        db.onversionchange = () => {
          db.close();
          this.db = undefined;
        };
        resolve(db);
      };
      request.onerror = () => reject(request.error);
    });
    // A failed open (private mode, storage full) is tried again on the next call, not remembered.
    this.db.catch(() => {
      this.db = undefined;
    });
    return this.db;
  }
}

import type { ClientLimits, Conversation, ErrorBody } from '@parley/protocol';
import { EventName } from '@parley/protocol/constants';
import { Connection, type ConnectionOptions, type ConnectionStatus } from './connection.js';
import { Conversations } from './conversations.js';
import { ParleyClientError } from './errors.js';
import { KeyedListeners } from './listeners.js';
import { Messages } from './messages.js';
import { People } from './people.js';
import { Search } from './search.js';
import { type ClientStore, MemoryStore } from './store.js';

export interface ClientOptions extends ConnectionOptions {
  /**
   * The local cache; in memory unless you give one: `IndexedDbStore` in browsers, `FileStore` from
   * `@parley/client/node` in Node. A persistent one lets the client start from what it holds.
   */
  store?: ClientStore;
}

export interface UploadedFile {
  fileId: string;
  url: string;
  contentType: string;
  size: number;
  name: string;
}

/**
 * A signed-in user on one device. `connect` resolves once the first connection is up and the
 * conversation list is loaded; after every reconnect the client resyncs (conversations, then the
 * messages of the channels it shows, handed to onNewMessage) before it reports `connected` again,
 * and then sends what waited in the outbox. After every connect, `header.syncOnce` messages that
 * waited for the user are handed to onNewMessage and acknowledged.
 *
 * With a persistent store, `openCache()` before `start()` lets the app show the conversations and
 * chats it kept before the connection is up; the first connect then syncs only what changed.
 */
export class ParleyClient {
  readonly onStatus = new KeyedListeners<[ConnectionStatus]>();
  readonly messages: Messages;
  readonly conversations: Conversations;
  /** Presence, typing, and names and avatars of other users. */
  readonly people: People;
  /** Message search and the conversation list's search box (server-side). */
  readonly search: Search;
  private readonly connection: Connection;
  private readonly store: ClientStore;
  private cacheOpened: Promise<boolean> | undefined;

  constructor(private readonly options: ClientOptions) {
    const store = options.store ?? new MemoryStore();
    this.store = store;
    this.connection = new Connection(options, {
      onStatus: (status) => {
        // Caught up by now (onReady ran first): what waited in the outbox goes out, in order.
        if (status === 'connected') this.messages.connected();
        this.onStatus.emit(status);
      },
      onPush: (event, data) => {
        // The server may have lost events for us (its bus reconnected): catch up as after a reconnect.
        if (event === EventName.SyncRequired) void this.catchUp().catch(() => {});
        else if (event === EventName.PresenceChanged || event === EventName.Typing || event === EventName.UserUpdated)
          this.people.handlePush(event, data);
        // A push may need a request (a sync past a version gap); if the connection drops first, the
        // catch-up after the reconnect covers it. Unhandled, the rejection would end a Node app.
        else
          void this.messages
            .handlePush(event, data)
            .then(() => this.conversations.handlePush(event, data))
            .catch(() => {});
      },
      onReady: async () => {
        // The first connect too: a persistent store may hold a list and chats from a previous session.
        await this.catchUp();
        // What waited for this user as sync-once (commands): handed over, then acknowledged. Not
        // awaited, so `connect()` resolves first and listeners the app adds right after it (or
        // through `WKIM.over(client)`) are there when the answer comes; a failure (the connection
        // dropped) leaves the rest waiting on the server for the next connect.
        void this.messages.syncOnce().catch(() => {});
        // The server keeps presence subscriptions per connection: this one starts with none.
        void this.people.resubscribe().catch(() => {});
      },
    });
    const uid = () => this.connection.uid;
    this.messages = new Messages(this.connection, store, uid, (m) => this.conversations.messageChanged(m));
    this.conversations = new Conversations(this.connection, store, uid);
    this.people = new People(this.connection);
    this.search = new Search(this.connection);
  }

  /** Conversations, then the messages of the channels the app shows, from where this device left off. */
  private async catchUp(): Promise<void> {
    await this.conversations.sync();
    await this.messages.fillGaps();
  }

  /** The signed-in user: told by the server; before the first connection, the store's user (if it names one). */
  get uid(): string {
    return this.connection.uid || this.store.uid || '';
  }

  /**
   * The server's limits (text length, payload and upload size, ext bytes, pins, revoke window,
   * edits, reactions), as told at sign-in: check before sending so a user's text is not refused.
   * Undefined only before the first connection.
   */
  get limits(): ClientLimits | undefined {
    return this.connection.limits;
  }

  get status(): ConnectionStatus {
    return this.connection.status;
  }

  /** Any method of the protocol, for what the SDK does not wrap. */
  request<T>(method: string, params?: unknown): Promise<T> {
    return this.connection.request<T>(method, params);
  }

  /**
   * Uploads a file (`POST /v1/files`) and answers the url to put in an image, file, voice or video payload.
   * `onProgress` gets the fraction sent (0..1); it needs XMLHttpRequest (browsers), since fetch reports no upload progress.
   */
  async upload(file: Blob, name = 'file', options: { onProgress?: (fraction: number) => void } = {}): Promise<UploadedFile> {
    const form = new FormData();
    form.append('file', file, name);
    // To the server this client is connected to: with several, the one that works now.
    const url = `${this.connection.url}/v1/files`;
    const authorization = `Bearer ${this.options.token}`;
    const { status, body } =
      options.onProgress && typeof XMLHttpRequest !== 'undefined'
        ? await postWithProgress(url, authorization, form, options.onProgress)
        : await fetch(url, { method: 'POST', headers: { authorization }, body: form }).then(async (res) => ({
            status: res.status,
            body: await res.json(),
          }));
    if (status < 200 || status >= 300) throw ParleyClientError.from(body as ErrorBody);
    return body as UploadedFile;
  }

  close(): void {
    this.connection.close();
    this.messages.closeOutbox();
  }

  /**
   * Reads what the store kept from a previous session, without connecting: the sends still waiting in
   * the outbox are handed to `onInserted` (and go out once connected). Answers true when the store holds
   * the conversation list, so the app can show it (and cached chats) before the connection is up.
   * `start()` calls it too; calling it again does nothing more.
   */
  openCache(): Promise<boolean> {
    this.cacheOpened ??= (async () => {
      await this.messages.restoreOutbox();
      return (await this.store.syncState()).token !== undefined;
    })();
    return this.cacheOpened;
  }

  /**
   * Opens the connection; resolves when connected and the conversation list is loaded. Rejects when
   * no server answered (the client goes on trying: watch `onStatus`), or with the server's refusal
   * (`auth.banned`, `auth.invalid_token`, ...).
   */
  async start(): Promise<this> {
    await this.openCache();
    await this.connection.open();
    if (this.connection.status !== 'connected')
      throw this.connection.refusal ?? new ParleyClientError('client.disconnected', `Could not connect (${this.connection.status})`);
    return this;
  }
}

function postWithProgress(
  url: string,
  authorization: string,
  form: FormData,
  onProgress: (fraction: number) => void,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('authorization', authorization);
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => resolve({ status: xhr.status, body: xhr.response });
    xhr.onerror = () => reject(new ParleyClientError('client.disconnected', 'The upload failed: network error'));
    xhr.send(form);
  });
}

export async function connect(options: ClientOptions): Promise<ParleyClient> {
  return new ParleyClient(options).start();
}

export type { Conversation };

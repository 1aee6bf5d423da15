import type { HistoryResult, Message, MessageHeader, MessageSetting, Payload, StreamPush } from '@parley/protocol';
import { newClientMsgNo } from './client-msg-no.js';
import type { Connection } from './connection.js';
import { HistoryCache, type Row, wantedRange } from './history-cache.js';
import { Inbox } from './inbox.js';
import { KeyedListeners } from './listeners.js';
import { changesBetween, fromServer, type MessageChange, rowFromServer, untouchedExtra } from './message-state.js';
import { OnceInbox } from './once-inbox.js';
import { Outbox } from './outbox.js';
import {
  type ClientStore,
  channelKey,
  channelKeyOfConversation,
  conversationIdOf,
  conversationIdOfKey,
  type DeletedMessage,
  type LocalMessage,
} from './store.js';
import { type StreamChunk, StreamChunks } from './stream-chunks.js';

export interface ChannelAddress {
  channelId: string;
  /** 1 person, 2 group, 3 super group, 4 system notices (read-only: your own uid names the channel). */
  channelType: 1 | 2 | 3 | 4;
}

export interface SendOptions {
  header?: MessageHeader;
  setting?: MessageSetting;
  reply?: Message['reply'];
  mentions?: Message['mentions'];
  entities?: Message['entities'];
}

export interface HistoryQuery {
  channel: ChannelAddress;
  /** 0 = from the newest. */
  startSeq?: number;
  contain?: boolean;
  /**
   * As WuKongIM's pullMode: 0 = older than startSeq (the default: scrolling back), 1 = newer. WuKongIM
   * calls 0 "down" (pulling the list down loads the past); Parley's `direction` calls older 'up'.
   */
  pullMode?: 0 | 1;
  around?: number;
  limit?: number;
}

/** After a reconnect, the newest messages of at most this many channels shown last are read again ... */
const RECHECK_CHANNELS = 10;
/** ... each up to this many (one history page). */
const RECHECK_TAIL = 50;

/**
 * Sending and reading messages. A send fires `onInserted` at once (status `sending`), then
 * `onRefreshMessage` with `success` or `fail` and the reason code; sends made offline wait in the
 * outbox and go out in order on reconnect; `resend` reuses the clientMsgNo, so the server never
 * stores it twice. `onNewMessage` gets every message of the channels the app shows exactly once,
 * in seq order, also those that arrived while the device was away; and `header.syncOnce` messages
 * (no seq: outside history) once each, live or, if they waited for this user, after connecting.
 * A message that changes comes to `onMessageEdited`, `onReactionChanged`, `onMessageRevoked` or
 * `onReceipt` (as the case may be), and always to `onRefreshMessage`, in its current state.
 */
export class Messages {
  /** Messages from others and from your other devices. */
  readonly onNewMessage = new KeyedListeners<[LocalMessage]>();
  /**
   * The catch-all for a message that changed, in its new state: your send answered (`success` or
   * `fail`), resent, and every edit, reaction, revoke, receipt or erasure (the listeners below tell
   * those apart).
   */
  readonly onRefreshMessage = new KeyedListeners<[LocalMessage]>();
  /** Your send, at once (status `sending`); after a reload, the sends still waiting in the outbox. */
  readonly onInserted = new KeyedListeners<[LocalMessage]>();
  /** The message was edited: `payload` is the new content (`originalPayload` the first). */
  readonly onMessageEdited = new KeyedListeners<[LocalMessage]>();
  /** A reaction was added or removed: `reactions` is the new list. */
  readonly onReactionChanged = new KeyedListeners<[LocalMessage]>();
  /** The message was revoked: `extra.revoked`, `extra.revoker`; `payload` is only `{type}` now. */
  readonly onMessageRevoked = new KeyedListeners<[LocalMessage]>();
  /** Someone reported reading a message you sent: `extra.readCount` and `extra.unreadCount` are the new counts. */
  readonly onReceipt = new KeyedListeners<[LocalMessage]>();
  /**
   * A streamed message (sent with `stream: true`, a bot's or an LLM's answer) grew or ended, in its
   * current state: `payload.content` is the text so far, `stream.streaming` false once it ended
   * (`stream.status` says how). `chunk` is what was just appended (absent when the whole state came:
   * its end, or the text so far read from the server). Chunks come in order, once each.
   */
  readonly onMessageStream = new KeyedListeners<[LocalMessage, StreamChunk | undefined]>();
  private readonly streams: StreamChunks;
  private readonly inbox: Inbox;
  private readonly onceInbox: OnceInbox;
  private readonly outbox: Outbox;
  private readonly cache: HistoryCache;
  /** `message.updated` pushes, one after another: each is told apart against the state before it. */
  private updates: Promise<void> = Promise.resolve();
  private readonly byChange: Record<MessageChange, KeyedListeners<[LocalMessage]>> = {
    edited: this.onMessageEdited,
    reaction: this.onReactionChanged,
    revoked: this.onMessageRevoked,
    receipt: this.onReceipt,
  };

  constructor(
    private readonly connection: Connection,
    private readonly store: ClientStore,
    private readonly uid: () => string,
    /** The state of a message changed without a `message.updated` (a stream's chunk): the conversation list's preview follows. */
    private readonly onCurrent: (message: LocalMessage) => Promise<void> = async () => {},
  ) {
    this.cache = new HistoryCache(store, connection, (before, after) => this.reportChange(before, after));
    this.streams = new StreamChunks(
      (push) => this.cache.get(channelKey(push.channelType, push.channelId), push.messageSeq),
      (push) => this.fetchOne(push),
      async (message, chunk) => {
        await this.cache.put(channelKey(message.channelType, message.channelId), [message]);
        this.onMessageStream.emit(message, chunk);
        this.onRefreshMessage.emit(message);
        void this.onCurrent(message).catch(() => {});
      },
    );
    this.inbox = new Inbox(
      (channel, afterSeq) => this.fetchAfter(channel, afterSeq),
      (m) => this.onNewMessage.emit(m),
    );
    this.onceInbox = new OnceInbox(connection, (m) => {
      if (!this.onNewMessage.size) return false;
      this.onNewMessage.emit(m);
      return true;
    });
    this.outbox = new Outbox(connection, store, (result) => this.answered(result));
  }

  /**
   * A send's answer, queued with the `message.updated` pushes as it arrives: a receipt or an edit
   * that comes right after the ack then applies to the acked state, and the ack never writes its
   * older state (no reads, no edits) over theirs. If a change was cached first all the same, the
   * listeners get that newer state, with the ack's status.
   */
  private answered(result: LocalMessage): Promise<LocalMessage> {
    const current = this.updates.then(async () => {
      if (result.status !== 'success' || result.messageSeq <= 0) return result;
      const key = channelKey(result.channelType, result.channelId);
      const changed = await this.cache.get(key, result.messageSeq);
      if (!changed) await this.cache.put(key, [result]);
      this.inbox.shown(key, result.messageSeq, false);
      return changed ? { ...changed, status: result.status, reasonCode: result.reasonCode } : result;
    });
    const told = current
      .catch(() => result)
      .then((state) => {
        if (state.status === 'success' && state.header.syncOnce) this.onceInbox.sent(state.messageId);
        this.onRefreshMessage.emit(state);
        return state;
      });
    this.updates = told.then(
      () => {},
      () => {},
    );
    return told;
  }

  async send(channel: ChannelAddress, payload: Payload, options: SendOptions = {}): Promise<LocalMessage> {
    const local: LocalMessage = {
      messageId: '0',
      messageSeq: 0,
      clientMsgNo: newClientMsgNo(),
      fromUid: this.uid(),
      channelId: channel.channelId,
      channelType: channel.channelType,
      timestamp: Date.now(),
      contentType: payload.type,
      payload,
      header: {
        noPersist: options.header?.noPersist ?? false,
        redDot: options.header?.redDot ?? true,
        syncOnce: options.header?.syncOnce ?? false,
      },
      setting: options.setting ?? {},
      extra: untouchedExtra(),
      reactions: [],
      ...(options.reply && { reply: options.reply }),
      ...(options.mentions && { mentions: options.mentions }),
      ...(options.entities && { entities: options.entities }),
      status: 'sending',
      reasonCode: 0,
    };
    this.onInserted.emit(local);
    return this.outbox.add(local);
  }

  sendText(channel: ChannelAddress, content: string, options?: SendOptions): Promise<LocalMessage> {
    return this.send(channel, { type: 1, content } as Payload, options);
  }

  /** Sends a failed (or unacknowledged) message again with its own clientMsgNo: never a duplicate. */
  resend(message: LocalMessage): Promise<LocalMessage> {
    const again: LocalMessage = { ...message, status: 'sending', reasonCode: 0 };
    this.onRefreshMessage.emit(again);
    return this.outbox.add(again);
  }

  /** Sends not answered yet, oldest first: made offline, cut off, or left by a previous session. */
  pendingSends(): LocalMessage[] {
    return this.outbox.pending();
  }

  /** @internal The client calls these as the connection comes and goes. */
  async restoreOutbox(): Promise<void> {
    for (const m of await this.outbox.restore()) this.onInserted.emit(m);
  }

  /**
   * @internal After every (re)connect: the `header.syncOnce` messages that waited for this user,
   * handed to onNewMessage oldest first and acknowledged (for all the user's devices).
   */
  syncOnce(): Promise<void> {
    return this.onceInbox.sync();
  }

  /** @internal Connected and caught up: the outbox goes out, and pages shown from the cache while offline are checked. */
  connected(): void {
    this.outbox.flush();
    void this.cache.recheck();
  }

  /** @internal */
  closeOutbox(): void {
    this.outbox.close();
  }

  /**
   * History from the local cache when the range there is complete, otherwise from the server
   * (which then fills the cache): seed 004's `getOrSyncHistoryMessages`. Without `lastSeq`, the
   * channel's newest seq is the one its conversation shows. A cached page read before this
   * connection is read again from the server; while offline it answers at once and is checked once
   * connected (changes then come to the change listeners). The newest page (`startSeq` 0) ends
   * with the channel's sends still waiting in the outbox (status `sending`, seq 0).
   */
  async getOrSyncHistory(q: HistoryQuery, lastSeq?: number): Promise<Array<LocalMessage | DeletedMessage>> {
    const key = channelKey(q.channel.channelType, q.channel.channelId);
    const limit = q.limit ?? 20;
    const newest = (q.startSeq ?? 0) === 0 && q.around === undefined;
    // Taken first: a send made while the page loads reaches the app through onInserted instead.
    const waiting = newest ? this.outbox.pending().filter((m) => channelKey(m.channelType, m.channelId) === key) : [];
    const latest = lastSeq ?? (await this.latestSeq(q.channel));
    const range = latest === undefined ? undefined : wantedRange(q, limit, latest);
    const cached = range && (await this.cache.page(key, range));
    if (range && cached) {
      if (latest !== undefined && range.to >= latest) this.follow(key, range.to);
      return [...cached, ...waiting];
    }
    const result = await this.connection.request<HistoryResult>('message.history', {
      conversationId: conversationIdOf(q.channel),
      startSeq: q.startSeq ?? 0,
      direction: q.pullMode === 1 ? 'down' : 'up',
      contain: q.contain ?? false,
      ...(q.around !== undefined && { around: q.around }),
      limit,
    });
    const messages = result.messages.map(rowFromServer);
    await this.cache.put(key, messages);
    // The newest page: from here on, every message of the channel reaches onNewMessage.
    if (!result.hasMoreAfter && q.around === undefined) this.inbox.shown(key, messages[messages.length - 1]?.messageSeq ?? 0);
    // A send answered while the page loaded is in it, or reached the app through onRefreshMessage.
    const still = new Set(this.outbox.pending().map((m) => m.clientMsgNo));
    const inPage = new Set(messages.flatMap((m) => ('deleted' in m || m.fromUid !== this.uid() ? [] : [m.clientMsgNo])));
    return [...messages, ...waiting.filter((m) => still.has(m.clientMsgNo) && !inPage.has(m.clientMsgNo))];
  }

  /**
   * A cached page reaches the channel's newest seq: the app shows the channel from here on. The seq
   * the conversation list knew may lag behind the server, so what is newer is fetched (now if
   * connected, else with the catch-up after the reconnect) and handed to onNewMessage.
   */
  private follow(channel: string, upTo: number): void {
    const known = this.inbox.follows(channel);
    this.inbox.shown(channel, upTo);
    if (!known && this.connection.status === 'connected') void this.inbox.catchUp(channel);
  }

  /** The channel's newest seq as its conversation in the list shows it. */
  private async latestSeq(channel: ChannelAddress): Promise<number | undefined> {
    const id = conversationIdOf(channel);
    return (await this.store.conversations()).find((c) => c.conversationId === id)?.lastMsgSeq;
  }

  /**
   * After a (re)connect: every channel the app shows is caught up: what arrived meanwhile reaches
   * onNewMessage, in order, before anything newer. Cached pages may hold messages changed meanwhile:
   * they are read again when the app next asks for them.
   */
  async fillGaps(): Promise<void> {
    this.cache.reconnected();
    // While away, the messages the app shows may have been edited, revoked, reacted to or read, and
    // the server pushes those changes only to devices online: the newest messages of the channels
    // shown last are read again, each change reported to the change listeners.
    for (const [channel, upTo] of this.inbox.shownUpTo().slice(-RECHECK_CHANNELS)) {
      if (upTo > 0) this.cache.recheckLater(channel, { from: Math.max(1, upTo - RECHECK_TAIL + 1), to: upTo });
    }
    await this.inbox.catchUp();
    void this.cache.recheck();
  }

  /** Every message after `afterSeq` the user may see, ascending, page by page; they fill the cache too. */
  private async fetchAfter(channel: string, afterSeq: number): Promise<Row[]> {
    const conversationId = conversationIdOfKey(channel);
    const found: Row[] = [];
    let start = afterSeq;
    for (;;) {
      // startSeq 0 would mean "the newest page": from the very first message, say so.
      const from = start === 0 ? { startSeq: 1, contain: true } : { startSeq: start, contain: false };
      const page = await this.connection.request<HistoryResult>('message.history', {
        conversationId,
        direction: 'down',
        limit: 100,
        ...from,
      });
      const messages = page.messages.map(rowFromServer);
      await this.cache.put(channel, messages);
      found.push(...messages);
      const last = messages[messages.length - 1];
      if (!page.hasMoreAfter || !last) return found;
      start = last.messageSeq;
    }
  }

  revoke(messageId: string): Promise<{ message: LocalMessage }> {
    return this.changeRequest('message.revoke', { messageId });
  }

  edit(messageId: string, payload: Payload): Promise<{ message: LocalMessage }> {
    return this.changeRequest('message.edit', { messageId, payload });
  }

  addReaction(messageId: string, emoji: string): Promise<{ message: LocalMessage }> {
    return this.changeRequest('message.addReaction', { messageId, emoji });
  }

  removeReaction(messageId: string, emoji: string): Promise<{ message: LocalMessage }> {
    return this.changeRequest('message.removeReaction', { messageId, emoji });
  }

  readReceipt(messageIds: string[]): Promise<{ read: string[] }> {
    return this.connection.request('message.readReceipt', { messageIds });
  }

  /**
   * The message as the server answers the change (its `payload` current). The listeners hear of it
   * from the `message.updated` push that every device of the user gets, this one too.
   */
  private async changeRequest(method: string, params: unknown): Promise<{ message: LocalMessage }> {
    const { message } = await this.connection.request<{ message: Message }>(method, params);
    return { message: fromServer(message) };
  }

  /** Deletes messages for this user only; the channel's cache is dropped, to be read fresh from the server. */
  async removeHistory(channel: ChannelAddress, by: { beforeTimestamp: number } | { messageIds: string[] }): Promise<{ removed: number }> {
    const result = await this.connection.request<{ removed: number }>('message.removeHistory', {
      conversationId: conversationIdOf(channel),
      ...by,
    });
    await this.cache.forget(channelKey(channel.channelType, channel.channelId));
    return result;
  }

  /** Pushes from the server: new messages from others or your other devices, and changed messages. */
  async handlePush(event: string, data: unknown): Promise<void> {
    if (event === 'multiDevice.deleteRoaming')
      return this.forgetDeleted(data as { conversationId?: string; conversationIds?: string[]; deleteRoam?: boolean });
    if (event === 'message.updated') {
      this.updates = this.updates.then(() => this.updated(fromServer(data as Message))).catch(() => {});
      return this.updates;
    }
    // After the updates before it: a chunk never applies to a state older than the one it follows.
    if (event === 'message.stream') {
      this.updates = this.updates.then(() => this.streams.arrive(data as StreamPush)).catch(() => {});
      return this.updates;
    }
    if (event !== 'message.new') return;
    // Sync-once: outside history (no seq), handed over once and acknowledged.
    if ((data as Message).header?.syncOnce) return this.onceInbox.arrive(data as Message);
    const message = fromServer(data as Message);
    const key = channelKey(message.channelType, message.channelId);
    if (message.messageSeq > 0) {
      await this.cache.put(key, [message]);
      await this.inbox.arrive(key, message);
    }
    // Not stored (header.noPersist): no seq to order it by, so it is handed over as it comes.
    else this.onNewMessage.emit(message);
  }

  /** A message changed: cached in its new state, and reported as what changed against the cached one. */
  private async updated(message: LocalMessage): Promise<void> {
    if (message.messageSeq <= 0) return this.changed(undefined, message);
    const key = channelKey(message.channelType, message.channelId);
    const before = await this.cache.get(key, message.messageSeq);
    await this.cache.put(key, [message]);
    this.reportChange(before, message);
  }

  /** What changed between two states of a message, to its listeners; a stream that grew or ended, to onMessageStream. */
  private reportChange(before: LocalMessage | undefined, message: LocalMessage): void {
    this.changed(before, message);
    if (message.stream && (before?.stream?.chunkNo !== message.stream.chunkNo || before?.stream?.streaming !== message.stream.streaming)) {
      this.onMessageStream.emit(message, undefined);
    }
  }

  /** One message as the server has it now (a stream's text so far), cached; undefined if it is not there for this user. */
  private async fetchOne(at: { channelType: number; channelId: string; messageSeq: number }): Promise<LocalMessage | undefined> {
    const channel = { channelType: at.channelType as ChannelAddress['channelType'], channelId: at.channelId };
    const page = await this.connection.request<HistoryResult>('message.history', {
      conversationId: conversationIdOf(channel),
      around: at.messageSeq,
      limit: 1,
    });
    const row = page.messages.map(rowFromServer).find((m) => m.messageSeq === at.messageSeq);
    if (!row || 'deleted' in row) return undefined;
    await this.cache.put(channelKey(at.channelType, at.channelId), [row]);
    return row;
  }

  private changed(before: LocalMessage | undefined, after: LocalMessage): void {
    for (const change of changesBetween(before, after, this.uid())) this.byChange[change].emit(after);
    this.onRefreshMessage.emit(after);
  }

  /** History deleted here or on another device (messages, or a conversation with its roaming messages): drop those caches. */
  async forgetDeleted(event: { conversationId?: string; conversationIds?: string[]; deleteRoam?: boolean }): Promise<void> {
    const ids = event.conversationId ? [event.conversationId] : event.deleteRoam ? (event.conversationIds ?? []) : [];
    for (const id of ids) await this.cache.forget(channelKeyOfConversation(id));
  }
}

import type { HistoryResult, Message, MessageHeader, MessageSetting, Payload } from '@parley/protocol';
import type { Connection } from './connection.js';
import { Inbox } from './inbox.js';
import { KeyedListeners } from './listeners.js';
import { OnceInbox } from './once-inbox.js';
import { Outbox } from './outbox.js';
import {
  type ClientStore,
  channelKey,
  channelKeyOfConversation,
  conversationIdOf,
  type DeletedMessage,
  type LocalMessage,
} from './store.js';

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

let counter = 0;
const newClientMsgNo = (): string =>
  typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${(++counter).toString(36)}-${Math.random().toString(36).slice(2)}`;

/**
 * Sending and reading messages. A send fires `onInserted` at once (status `sending`), then
 * `onRefreshMessage` with `success` or `fail` and the reason code; sends made offline wait in the
 * outbox and go out in order on reconnect; `resend` reuses the clientMsgNo, so the server never
 * stores it twice. `onNewMessage` gets every message of the channels the app shows exactly once,
 * in seq order, also those that arrived while the device was away; and `header.syncOnce` messages
 * (no seq: outside history) once each, live or, if they waited for this user, after connecting.
 */
export class Messages {
  readonly onNewMessage = new KeyedListeners<[LocalMessage]>();
  readonly onRefreshMessage = new KeyedListeners<[LocalMessage]>();
  readonly onInserted = new KeyedListeners<[LocalMessage]>();
  private readonly inbox: Inbox;
  private readonly onceInbox: OnceInbox;
  private readonly outbox: Outbox;

  constructor(
    private readonly connection: Connection,
    private readonly store: ClientStore,
    private readonly uid: () => string,
  ) {
    this.inbox = new Inbox(
      (channel, afterSeq) => this.fetchAfter(channel, afterSeq),
      (m) => this.onNewMessage.emit(m),
    );
    this.onceInbox = new OnceInbox(connection, (m) => {
      if (!this.onNewMessage.size) return false;
      this.onNewMessage.emit(m);
      return true;
    });
    this.outbox = new Outbox(connection, store, async (result) => {
      if (result.status === 'success' && result.header.syncOnce) this.onceInbox.sent(result.messageId);
      if (result.status === 'success' && result.messageSeq > 0) {
        const key = channelKey(result.channelType, result.channelId);
        await this.store.putMessages(key, [result]);
        this.inbox.shown(key, result.messageSeq, false);
      }
      this.onRefreshMessage.emit(result);
    });
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
      extra: { revoked: false, revoker: null, revokedAt: null, editedAt: null, editedPayload: null, readCount: 0, unreadCount: 0 },
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

  /** @internal */
  flushOutbox(): void {
    this.outbox.flush();
  }

  /** @internal */
  closeOutbox(): void {
    this.outbox.close();
  }

  /**
   * History from the local cache when the range there is complete, otherwise from the server
   * (which then fills the cache): seed 004's `getOrSyncHistoryMessages`.
   */
  async getOrSyncHistory(q: HistoryQuery, lastSeq?: number): Promise<Array<LocalMessage | DeletedMessage>> {
    const key = channelKey(q.channel.channelType, q.channel.channelId);
    const limit = q.limit ?? 20;
    const range = lastSeq !== undefined ? wantedRange(q, limit, lastSeq) : undefined;
    if (range) {
      const cached = await this.store.messages(key, range.from, range.to);
      if (cached.length === range.to - range.from + 1) {
        if (lastSeq !== undefined && range.to >= lastSeq) this.inbox.shown(key, range.to);
        return cached;
      }
    }
    const result = await this.connection.request<HistoryResult>('message.history', {
      conversationId: conversationIdOf(q.channel),
      startSeq: q.startSeq ?? 0,
      direction: q.pullMode === 1 ? 'down' : 'up',
      contain: q.contain ?? false,
      ...(q.around !== undefined && { around: q.around }),
      limit,
    });
    const messages = result.messages.map((m) => ('deleted' in m ? m : { ...m, status: 'success' as const, reasonCode: 1 }));
    await this.store.putMessages(key, messages);
    // The newest page: from here on, every message of the channel reaches onNewMessage.
    if (!result.hasMoreAfter && q.around === undefined) this.inbox.shown(key, messages[messages.length - 1]?.messageSeq ?? 0);
    return messages;
  }

  /**
   * After a reconnect: cached pages may hold messages revoked or edited meanwhile, so they are
   * dropped (they come fresh when next read), and every channel the app shows is caught up:
   * what arrived meanwhile reaches onNewMessage, in order, before anything newer.
   */
  async fillGaps(): Promise<void> {
    // Only channels the app shows are caught up: a cached page of old history is no promise to hand
    // over everything after it.
    for (const { channel } of await this.store.cachedChannels()) await this.store.clearChannel(channel);
    await this.inbox.catchUp();
  }

  /** Every message after `afterSeq` the user may see, ascending, page by page; they fill the cache too. */
  private async fetchAfter(channel: string, afterSeq: number): Promise<Array<LocalMessage | DeletedMessage>> {
    const [type, ...rest] = channel.split(':');
    const conversationId = conversationIdOf({ channelType: Number(type), channelId: rest.join(':') });
    const found: Array<LocalMessage | DeletedMessage> = [];
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
      const messages = page.messages.map((m) => ('deleted' in m ? m : { ...m, status: 'success' as const, reasonCode: 1 }));
      await this.store.putMessages(channel, messages);
      found.push(...messages);
      const last = messages[messages.length - 1];
      if (!page.hasMoreAfter || !last) return found;
      start = last.messageSeq;
    }
  }

  revoke(messageId: string): Promise<{ message: Message }> {
    return this.connection.request('message.revoke', { messageId });
  }

  edit(messageId: string, payload: Payload): Promise<{ message: Message }> {
    return this.connection.request('message.edit', { messageId, payload });
  }

  addReaction(messageId: string, emoji: string): Promise<{ message: Message }> {
    return this.connection.request('message.addReaction', { messageId, emoji });
  }

  removeReaction(messageId: string, emoji: string): Promise<{ message: Message }> {
    return this.connection.request('message.removeReaction', { messageId, emoji });
  }

  readReceipt(messageIds: string[]): Promise<{ read: string[] }> {
    return this.connection.request('message.readReceipt', { messageIds });
  }

  /** Deletes messages for this user only; the channel's cache is dropped, to be read fresh from the server. */
  async removeHistory(channel: ChannelAddress, by: { beforeTimestamp: number } | { messageIds: string[] }): Promise<{ removed: number }> {
    const result = await this.connection.request<{ removed: number }>('message.removeHistory', {
      conversationId: conversationIdOf(channel),
      ...by,
    });
    await this.store.clearChannel(channelKey(channel.channelType, channel.channelId));
    return result;
  }

  /** Pushes from the server: new messages from others or your other devices, and changed messages. */
  async handlePush(event: string, data: unknown): Promise<void> {
    if (event === 'multiDevice.deleteRoaming')
      return this.forgetDeleted(data as { conversationId?: string; conversationIds?: string[]; deleteRoam?: boolean });
    if (event !== 'message.new' && event !== 'message.updated') return;
    // Sync-once: outside history (no seq), handed over once and acknowledged.
    if (event === 'message.new' && (data as Message).header?.syncOnce) return this.onceInbox.arrive(data as Message);
    const message: LocalMessage = { ...(data as Message), status: 'success', reasonCode: 1 };
    const key = channelKey(message.channelType, message.channelId);
    if (message.messageSeq > 0) await this.store.putMessages(key, [message]);
    if (event === 'message.updated') this.onRefreshMessage.emit(message);
    else if (message.messageSeq > 0) await this.inbox.arrive(key, message);
    // Not stored (header.noPersist): no seq to order it by, so it is handed over as it comes.
    else this.onNewMessage.emit(message);
  }

  /** History deleted here or on another device (messages, or a conversation with its roaming messages): drop those caches. */
  async forgetDeleted(event: { conversationId?: string; conversationIds?: string[]; deleteRoam?: boolean }): Promise<void> {
    const ids = event.conversationId ? [event.conversationId] : event.deleteRoam ? (event.conversationIds ?? []) : [];
    for (const id of ids) await this.store.clearChannel(channelKeyOfConversation(id));
  }
}

/** The seqs a history query covers, as the server computes them (without its visibility floor). */
function wantedRange(q: HistoryQuery, limit: number, lastSeq: number): { from: number; to: number } | undefined {
  const start = q.startSeq ?? 0;
  let from: number;
  let to: number;
  if (q.around !== undefined) {
    from = Math.max(1, q.around - Math.floor((limit - 1) / 2));
    to = Math.min(lastSeq, from + limit - 1);
  } else if (start === 0) {
    to = lastSeq;
    from = Math.max(1, to - limit + 1);
  } else if (q.pullMode === 1) {
    from = q.contain ? start : start + 1;
    to = Math.min(lastSeq, from + limit - 1);
  } else {
    to = q.contain ? start : start - 1;
    from = Math.max(1, to - limit + 1);
  }
  return from <= to ? { from, to } : undefined;
}

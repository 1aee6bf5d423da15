import type { HistoryResult, Message, MessageHeader, MessageSetting, Payload, SendAck } from '@parley/protocol';
import type { Connection } from './connection.js';
import { ParleyClientError } from './errors.js';
import { KeyedListeners } from './listeners.js';
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
  /** 0 = down (newer than startSeq), 1 = up (older), as WuKongIM's pullMode. */
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
 * `onRefreshMessage` with `success` or `fail` and the reason code; `resend` reuses the
 * clientMsgNo, so the server never stores it twice.
 */
export class Messages {
  readonly onNewMessage = new KeyedListeners<[LocalMessage]>();
  readonly onRefreshMessage = new KeyedListeners<[LocalMessage]>();
  readonly onInserted = new KeyedListeners<[LocalMessage]>();

  constructor(
    private readonly connection: Connection,
    private readonly store: ClientStore,
    private readonly uid: () => string,
  ) {}

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
    return this.deliver(local, options);
  }

  sendText(channel: ChannelAddress, content: string, options?: SendOptions): Promise<LocalMessage> {
    return this.send(channel, { type: 1, content } as Payload, options);
  }

  /** Sends a failed (or unacknowledged) message again with its own clientMsgNo: never a duplicate. */
  resend(message: LocalMessage): Promise<LocalMessage> {
    const again: LocalMessage = { ...message, status: 'sending', reasonCode: 0 };
    this.onRefreshMessage.emit(again);
    return this.deliver(again, {
      header: message.header,
      setting: message.setting,
      reply: message.reply,
      mentions: message.mentions,
      entities: message.entities,
    });
  }

  private async deliver(local: LocalMessage, options: SendOptions): Promise<LocalMessage> {
    let result: LocalMessage;
    try {
      const ack = await this.connection.request<SendAck>('message.send', {
        channelId: local.channelId,
        channelType: local.channelType,
        clientMsgNo: local.clientMsgNo,
        payload: local.payload,
        ...(options.header && { header: options.header }),
        ...(options.setting && { setting: options.setting }),
        ...(options.reply && { reply: options.reply }),
        ...(options.mentions && { mentions: options.mentions }),
        ...(options.entities && { entities: options.entities }),
      });
      const ok = ack.reasonCode === 1;
      result = {
        ...local,
        messageId: ack.messageId,
        messageSeq: ack.messageSeq,
        timestamp: ack.timestamp,
        status: ok ? 'success' : 'fail',
        reasonCode: ack.reasonCode,
      };
      if (ok && ack.messageSeq > 0) await this.store.putMessages(channelKey(local.channelType, local.channelId), [result]);
    } catch (err) {
      result = { ...local, status: 'fail', reasonCode: err instanceof ParleyClientError && err.code === 'client.disconnected' ? 0 : 15 };
    }
    this.onRefreshMessage.emit(result);
    return result;
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
      if (cached.length === range.to - range.from + 1) return cached;
    }
    const result = await this.connection.request<HistoryResult>('message.history', {
      conversationId: conversationIdOf(q.channel),
      startSeq: q.startSeq ?? 0,
      direction: q.pullMode === 0 ? 'down' : 'up',
      contain: q.contain ?? false,
      ...(q.around !== undefined && { around: q.around }),
      limit,
    });
    const messages = result.messages.map((m) => ('deleted' in m ? m : { ...m, status: 'success' as const, reasonCode: 1 }));
    await this.store.putMessages(key, messages);
    return messages;
  }

  /**
   * After a reconnect: everything newer than what each cached channel holds, so nothing is missing,
   * and the newest page again, since messages may have been revoked or edited meanwhile; older cached
   * pages are dropped and come fresh from the server when next read.
   */
  async fillGaps(): Promise<void> {
    for (const { channel, maxSeq } of await this.store.cachedChannels()) {
      const [type, ...rest] = channel.split(':');
      const address = { channelType: Number(type) as 1 | 2 | 3, channelId: rest.join(':') };
      await this.store.clearChannel(channel);
      let start = Math.max(1, maxSeq - 99);
      let contain = true;
      for (;;) {
        const page = await this.getOrSyncHistory({ channel: address, startSeq: start, pullMode: 0, contain, limit: 100 });
        const last = page[page.length - 1];
        if (page.length < 100 || !last) break;
        start = last.messageSeq;
        contain = false;
      }
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
    const message: LocalMessage = { ...(data as Message), status: 'success', reasonCode: 1 };
    if (message.messageSeq > 0) await this.store.putMessages(channelKey(message.channelType, message.channelId), [message]);
    if (event === 'message.new') this.onNewMessage.emit(message);
    else this.onRefreshMessage.emit(message);
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
  } else if (q.pullMode === 0) {
    from = q.contain ? start : start + 1;
    to = Math.min(lastSeq, from + limit - 1);
  } else {
    to = q.contain ? start : start - 1;
    from = Math.max(1, to - limit + 1);
  }
  return from <= to ? { from, to } : undefined;
}

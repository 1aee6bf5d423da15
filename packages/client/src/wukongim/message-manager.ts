import type { Message } from '@parley/protocol';
import type { ParleyClient } from '../client.js';
import { KeyedListeners } from '../listeners.js';
import type { ChannelAddress, SendOptions } from '../messages.js';
import type { DeletedMessage, LocalMessage } from '../store.js';
import type { WKMessageContent } from './content.js';
import { type ContentFactory, ContentRegistry, payloadOf } from './content-registry.js';
import { historyQueryOf } from './history-query.js';
import { LocalSeqs, msgSeqOf } from './local-seqs.js';
import type { WKChannel, WKMsg, WKSendOptions } from './msg.js';
import { type MapperContext, toWKMsg } from './msg-mapper.js';
import type { RecentsCache } from './recents-cache.js';

/** The server's history page limit; a longer WuKongIM page is fetched in parts. */
const PAGE_MAX = 100;

let nextKey = 0;

const visible = (rows: ReadonlyArray<LocalMessage | DeletedMessage>): LocalMessage[] =>
  rows.filter((r): r is LocalMessage => !('deleted' in r));

/**
 * WuKongIM's `messageManager` over the SDK's messages: sending content objects, the inserted / new /
 * refresh listeners, and `getOrSyncHistoryMessages` in orderSeq and pullMode terms.
 */
export class WKMessageManager {
  private readonly contents = new ContentRegistry();
  private readonly ctx: MapperContext;
  private insertedListener: ((msg: WKMsg) => void) | undefined;
  private readonly newMsgListeners = new KeyedListeners<[WKMsg[]]>();
  private readonly refreshListeners = new KeyedListeners<[WKMsg]>();
  /** What the app sent, by clientMsgNo, until the send is answered: WuKongIM hands back the same content. */
  private readonly sentContent = new Map<string, WKMessageContent>();
  private sending: WKMessageContent | undefined;
  private newBatch: WKMsg[] = [];
  /** Sync-once messages that came before any new-message listener: the SDK acknowledged them, so they wait here. */
  private heldOnce: WKMsg[] = [];
  private readonly key = `wukongim.messages.${++nextKey}`;

  constructor(
    private readonly client: ParleyClient,
    private readonly recents: RecentsCache,
  ) {
    this.ctx = { seqs: new LocalSeqs(), contents: this.contents, viewer: client.uid };
    const { messages } = client;
    messages.onInserted.add(this.key, (m) => this.inserted(m));
    messages.onRefreshMessage.add(this.key, (m) => this.refreshed(m));
    messages.onNewMessage.add(this.key, (m) => this.arrived(m));
  }

  /** @internal Stops listening to the client. */
  close(): void {
    const { messages } = this.client;
    messages.onInserted.remove(this.key);
    messages.onRefreshMessage.remove(this.key);
    messages.onNewMessage.remove(this.key);
  }

  registerMsgContent(type: number, createMsgContent: ContentFactory): void {
    this.contents.register(type, createMsgContent);
  }

  /** The message is on this device (status 0), not sent yet: show it. One listener, as in WuKongIM. */
  addOnMsgInsertedListener(insertListener: (msg: WKMsg) => void): void {
    this.insertedListener = insertListener;
  }

  /** Messages from others and from your other devices, in each channel's order. */
  addOnNewMsgListener(key: string, newMsgListener: (msgs: WKMsg[]) => void): void {
    if (!key) return;
    this.newMsgListeners.add(key, newMsgListener);
    const held = this.heldOnce;
    this.heldOnce = [];
    if (held.length) queueMicrotask(() => this.newMsgListeners.emit(held));
  }

  removeNewMsgListener(key: string): void {
    this.newMsgListeners.remove(key);
  }

  /** A message changed: its send status, a revoke, an edit, reactions, read receipts. Match it by clientMsgNO. */
  addOnRefreshMsgListener(key: string, back: (msg: WKMsg) => void): void {
    if (key) this.refreshListeners.add(key, back);
  }

  removeOnRefreshMsgListener(key: string): void {
    this.refreshListeners.remove(key);
  }

  /**
   * Sends content to a channel and answers the message as it ended (also handed to the refresh
   * listeners). Media content goes with its `url` (upload first with `client.upload`); `localPath`
   * stays on this device.
   */
  async sendMessage(messageContent: WKMessageContent, channel: WKChannel): Promise<WKMsg> {
    return this.sendWith(messageContent, channel, optionsOf(messageContent));
  }

  /**
   * `sendMessage` with a header and setting: `header.syncOnce` sends a command each recipient gets
   * once (outside history; see docs/protocol.md), `header.redDot = false` one that counts as no unread,
   * `setting.receipt` asks for read receipts.
   */
  async sendWithOption(messageContent: WKMessageContent, channel: WKChannel, options: WKSendOptions): Promise<WKMsg> {
    const { header, setting } = options;
    const send = optionsOf(messageContent);
    send.header = { redDot: header.redDot, noPersist: header.noPersist, syncOnce: header.syncOnce };
    if (setting.receipt) send.setting = { ...send.setting, receipt: true };
    return this.sendWith(messageContent, channel, send);
  }

  private async sendWith(messageContent: WKMessageContent, channel: WKChannel, options: SendOptions): Promise<WKMsg> {
    const address = { channelId: channel.channelID, channelType: channel.channelType } as ChannelAddress;
    // The SDK fires onInserted inside send(): the content object is handed over on the way.
    this.sending = messageContent;
    let answer: Promise<LocalMessage>;
    try {
      answer = this.client.messages.send(address, payloadOf(messageContent) as never, options);
    } finally {
      this.sending = undefined;
    }
    const result = await answer;
    return toWKMsg(result, this.ctx, messageContent);
  }

  /**
   * A page of a channel's history, ascending by orderSeq, then `iGetOrSyncHistoryMsgBack(msgs)`.
   * `oldestOrderSeq` 0 on entering a chat (the newest page, answered from the messages that came
   * with the conversation list when it can); `pullMode` 0 older than `oldestOrderSeq`, 1 newer;
   * `aroundMsgOrderSeq` (not 0) centres the page on that message. `syncBack` is called before the
   * server is asked. Messages you deleted for yourself are left out and the page topped up.
   */
  async getOrSyncHistoryMessages(
    channelId: string,
    channelType: number,
    oldestOrderSeq: number,
    contain: boolean,
    pullMode: number,
    limit: number,
    aroundMsgOrderSeq: number,
    iGetOrSyncHistoryMsgBack?: (msgs: WKMsg[]) => void,
    syncBack?: () => void,
  ): Promise<WKMsg[]> {
    const channel = { channelId, channelType } as ChannelAddress;
    const query = historyQueryOf(channel, oldestOrderSeq, contain, pullMode, limit, aroundMsgOrderSeq);
    let found: Message[] = [];
    if (query !== 'none') {
      const cached = query.startSeq === 0 ? this.recents.takeNewest(`${channelType}:${channelId}`, limit) : undefined;
      if (cached) found = cached;
      else {
        syncBack?.();
        found = await this.fetch(query, limit);
      }
    }
    const msgs = found.map((m) => toWKMsg(m, this.ctx));
    iGetOrSyncHistoryMsgBack?.(msgs);
    return msgs;
  }

  /** @internal The conversation list knows a channel's newest seq: a message sent there sorts after it. */
  knowLastSeq(channel: string, messageSeq: number): void {
    this.ctx.seqs.knowLastSeq(channel, messageSeq);
  }

  /** WuKongIM's `getOrNearbyMsgSeq`: the messageSeq an orderSeq is at or follows. */
  getOrNearbyMsgSeq(orderSeq: number): number {
    return msgSeqOf(orderSeq);
  }

  /** `limit` visible messages from the server; holes left by deleted messages are filled from further on. */
  private async fetch(query: Exclude<ReturnType<typeof historyQueryOf>, 'none'>, limit: number): Promise<Message[]> {
    const older = query.around === undefined && query.pullMode !== 1;
    let found: LocalMessage[] = [];
    let q = query;
    for (;;) {
      const asked = Math.min(PAGE_MAX, limit - found.length);
      const rows = await this.client.messages.getOrSyncHistory({ ...q, limit: asked });
      const page = visible(rows);
      found = older ? [...page, ...found] : [...found, ...page];
      const edge = older ? rows[0] : rows[rows.length - 1];
      // A short page is the end of the history; around pages are not extended.
      if (q.around !== undefined || rows.length < asked || found.length >= limit || !edge) return found;
      q = { channel: q.channel, startSeq: edge.messageSeq, contain: false, pullMode: older ? 0 : 1 };
    }
  }

  private inserted(m: LocalMessage): void {
    const own = this.sending;
    if (own) this.sentContent.set(m.clientMsgNo, own);
    this.insertedListener?.(toWKMsg(m, this.ctx, own));
  }

  private refreshed(m: LocalMessage): void {
    const own = this.sentContent.get(m.clientMsgNo);
    if (m.status !== 'sending') this.sentContent.delete(m.clientMsgNo);
    if (m.status === 'success' && m.messageSeq > 0) {
      // Our own send is the channel's next message; a change to a message replaces it.
      if (own) this.recents.arrive(m);
      else this.recents.update(m);
    }
    this.refreshListeners.emit(toWKMsg(m, this.ctx, own));
  }

  /** New messages go to the listeners in lists, one per tick, as WuKongIM hands over what a sync brought. */
  private arrived(m: LocalMessage): void {
    // Sync-once messages come right after connecting, maybe before the app added its listener.
    if (m.header.syncOnce && !this.newMsgListeners.size) {
      this.heldOnce.push(toWKMsg(m, this.ctx));
      return;
    }
    this.recents.arrive(m);
    this.newBatch.push(toWKMsg(m, this.ctx));
    if (this.newBatch.length > 1) return;
    queueMicrotask(() => {
      const batch = this.newBatch;
      this.newBatch = [];
      this.newMsgListeners.emit(batch);
    });
  }
}

/** Reply, mentions, entities and topic ride on the content in WuKongIM, beside the payload on Parley. */
function optionsOf(content: WKMessageContent): SendOptions {
  const options: SendOptions = {};
  const r = content.reply;
  if (r?.messageId && r.messageSeq > 0 && r.fromUID) {
    const preview = r.payload?.displayText();
    options.reply = { messageId: r.messageId, messageSeq: r.messageSeq, fromUid: r.fromUID, ...(preview ? { preview } : {}) };
  }
  if (content.mentionInfo) options.mentions = { uids: content.mentionInfo.uids ?? [], all: content.mentionInfo.mentionAll };
  if (content.entities?.length)
    options.entities = content.entities.map((e) => ({
      type: e.type,
      offset: e.offset,
      length: e.length,
      ...(e.value ? { value: e.value } : {}),
    }));
  if (content.topicId) options.setting = { topic: content.topicId };
  return options;
}

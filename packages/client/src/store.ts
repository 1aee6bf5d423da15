import type { Conversation, Message, Payload } from '@parley/protocol';

export type SendStatus = 'sending' | 'success' | 'fail';

/**
 * A message as the app sees it: the server's fields plus where its send stands (seed 004's WKMsg.status).
 * `payload` is always the current content: after an edit, the new one (also in `extra.editedPayload`);
 * `originalPayload` keeps what was first sent, and is there only once the message was edited.
 */
export type LocalMessage = Message & { status: SendStatus; reasonCode: number; originalPayload?: Payload };

/** A seq the user deleted for themselves. */
export interface DeletedMessage {
  messageSeq: number;
  deleted: true;
}

/**
 * The SDK's local cache: conversations and their sync token, each channel's history by seq, and the
 * outbox. `MemoryStore` keeps it for the life of the client; `IndexedDbStore` (browsers) and
 * `FileStore` (Node, `@parley/client/node`) keep it across restarts, so a client starts from it before
 * it connects. A persistent store holds one user's data: `uid` names that user. Channel keys are
 * `<channelType>:<channelId>` as the user names the channel. `store.contract.ts` states the rules every
 * store keeps.
 */
export interface ClientStore {
  /** The user whose data this is; the client names itself so before it has connected. */
  readonly uid?: string;
  putMessages(channel: string, messages: ReadonlyArray<LocalMessage | DeletedMessage>): Promise<void>;
  /** What is cached in [fromSeq, toSeq], ascending. */
  messages(channel: string, fromSeq: number, toSeq: number): Promise<Array<LocalMessage | DeletedMessage>>;
  /** Channels with cached messages and their highest cached seq. */
  cachedChannels(): Promise<Array<{ channel: string; maxSeq: number }>>;
  clearChannel(channel: string): Promise<void>;
  putConversation(conversation: Conversation): Promise<void>;
  removeConversation(conversationId: string): Promise<void>;
  conversations(): Promise<Conversation[]>;
  /** `token` undefined: the conversation list was never loaded into this store. */
  syncState(): Promise<{ token: string | undefined; version: number }>;
  setSyncState(state: { token: string; version: number }): Promise<void>;
  /** Sends not answered yet, in the order they were first made (a persistent store keeps them across reloads). */
  outbox(): Promise<LocalMessage[]>;
  /** Adds a send, or replaces one with the same clientMsgNo in its place. */
  putOutbox(message: LocalMessage): Promise<void>;
  removeOutbox(clientMsgNo: string): Promise<void>;
  /** Forgets everything (signing out). */
  clear(): Promise<void>;
}

/** Everything a `MemoryStore` holds, as plain JSON (what `FileStore` writes). */
export interface StoreSnapshot {
  sync: { token: string | undefined; version: number };
  conversations: Conversation[];
  channels: Record<string, Array<LocalMessage | DeletedMessage>>;
  outbox: LocalMessage[];
}

export class MemoryStore implements ClientStore {
  private readonly byChannel = new Map<string, Map<number, LocalMessage | DeletedMessage>>();
  private readonly convs = new Map<string, Conversation>();
  private sync: { token: string | undefined; version: number } = { token: undefined, version: 0 };
  private readonly unsent = new Map<string, LocalMessage>();

  constructor(readonly uid?: string) {}

  async putMessages(channel: string, messages: ReadonlyArray<LocalMessage | DeletedMessage>): Promise<void> {
    const seqs = this.byChannel.get(channel) ?? new Map<number, LocalMessage | DeletedMessage>();
    this.byChannel.set(channel, seqs);
    for (const m of messages) if (m.messageSeq > 0) seqs.set(m.messageSeq, m);
  }

  async messages(channel: string, fromSeq: number, toSeq: number): Promise<Array<LocalMessage | DeletedMessage>> {
    const seqs = this.byChannel.get(channel);
    if (!seqs) return [];
    const found: Array<LocalMessage | DeletedMessage> = [];
    // Walk whichever is shorter: the range asked for, or what the channel holds.
    if (toSeq - fromSeq + 1 <= seqs.size) {
      for (let seq = fromSeq; seq <= toSeq; seq++) {
        const m = seqs.get(seq);
        if (m) found.push(m);
      }
      return found;
    }
    for (const [seq, m] of seqs) if (seq >= fromSeq && seq <= toSeq) found.push(m);
    return found.sort((a, b) => a.messageSeq - b.messageSeq);
  }

  async cachedChannels(): Promise<Array<{ channel: string; maxSeq: number }>> {
    return [...this.byChannel].map(([channel, seqs]) => ({ channel, maxSeq: Math.max(0, ...seqs.keys()) }));
  }

  async clearChannel(channel: string): Promise<void> {
    this.byChannel.delete(channel);
  }

  async putConversation(conversation: Conversation): Promise<void> {
    this.convs.set(conversation.conversationId, conversation);
  }

  async removeConversation(conversationId: string): Promise<void> {
    this.convs.delete(conversationId);
  }

  async conversations(): Promise<Conversation[]> {
    return [...this.convs.values()];
  }

  async syncState() {
    return this.sync;
  }

  async setSyncState(state: { token: string; version: number }): Promise<void> {
    this.sync = state;
  }

  async outbox(): Promise<LocalMessage[]> {
    return [...this.unsent.values()];
  }

  async putOutbox(message: LocalMessage): Promise<void> {
    this.unsent.set(message.clientMsgNo, message);
  }

  async removeOutbox(clientMsgNo: string): Promise<void> {
    this.unsent.delete(clientMsgNo);
  }

  async clear(): Promise<void> {
    this.byChannel.clear();
    this.convs.clear();
    this.unsent.clear();
    this.sync = { token: undefined, version: 0 };
  }

  /** @internal What the store holds, for a store that persists it (FileStore). */
  snapshot(): StoreSnapshot {
    const channels: StoreSnapshot['channels'] = {};
    for (const [channel, seqs] of this.byChannel) channels[channel] = [...seqs.values()];
    return { sync: this.sync, conversations: [...this.convs.values()], channels, outbox: [...this.unsent.values()] };
  }

  /** @internal Takes over a snapshot (replacing what was held). */
  restore(snapshot: StoreSnapshot): void {
    this.sync = { token: snapshot.sync.token ?? undefined, version: snapshot.sync.version };
    this.convs.clear();
    for (const c of snapshot.conversations) this.convs.set(c.conversationId, c);
    this.byChannel.clear();
    for (const [channel, messages] of Object.entries(snapshot.channels)) {
      this.byChannel.set(channel, new Map(messages.map((m) => [m.messageSeq, m])));
    }
    this.unsent.clear();
    for (const m of snapshot.outbox) this.unsent.set(m.clientMsgNo, m);
  }
}

export const channelKey = (channelType: number, channelId: string): string => `${channelType}:${channelId}`;

const typeOfPrefix: Record<string, number> = { p2p: 1, team: 2, super_team: 3, system: 4 };
const prefixOfType = ['', 'p2p', 'team', 'super_team', 'system'];

/** The conversation id of a channel as its owner names it (`{channelType: 1, channelId: 'bob'}` → `p2p|bob`). */
export const conversationIdOf = (c: { channelType: number; channelId: string }): string => `${prefixOfType[c.channelType]}|${c.channelId}`;

/** The conversation id of a cache key (`1:bob` → `p2p|bob`). */
export function conversationIdOfKey(channel: string): string {
  const colon = channel.indexOf(':');
  return conversationIdOf({ channelType: Number(channel.slice(0, colon)), channelId: channel.slice(colon + 1) });
}

/** The cache key of a conversation id (`p2p|bob` → `1:bob`). */
export function channelKeyOfConversation(conversationId: string): string {
  const bar = conversationId.indexOf('|');
  return channelKey(typeOfPrefix[conversationId.slice(0, bar)] ?? 0, conversationId.slice(bar + 1));
}

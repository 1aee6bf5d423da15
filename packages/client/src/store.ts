import type { Conversation, Message } from '@parley/protocol';

export type SendStatus = 'sending' | 'success' | 'fail';

/** A message as the app sees it: the server's fields plus where its send stands (seed 004's WKMsg.status). */
export type LocalMessage = Message & { status: SendStatus; reasonCode: number };

/** A seq the user deleted for themselves. */
export interface DeletedMessage {
  messageSeq: number;
  deleted: true;
}

/**
 * The SDK's local cache. In memory by default; implement it over IndexedDB or SQLite to keep
 * conversations and history across restarts. Channel keys are `<channelType>:<channelId>` as the
 * user names the channel.
 */
export interface ClientStore {
  putMessages(channel: string, messages: ReadonlyArray<LocalMessage | DeletedMessage>): Promise<void>;
  /** What is cached in [fromSeq, toSeq], ascending. */
  messages(channel: string, fromSeq: number, toSeq: number): Promise<Array<LocalMessage | DeletedMessage>>;
  /** Channels with cached messages and their highest cached seq. */
  cachedChannels(): Promise<Array<{ channel: string; maxSeq: number }>>;
  clearChannel(channel: string): Promise<void>;
  putConversation(conversation: Conversation): Promise<void>;
  removeConversation(conversationId: string): Promise<void>;
  conversations(): Promise<Conversation[]>;
  syncState(): Promise<{ token: string | undefined; version: number }>;
  setSyncState(state: { token: string; version: number }): Promise<void>;
  /** Sends not answered yet, in the order they were made (a persistent store keeps them across reloads). */
  outbox(): Promise<LocalMessage[]>;
  putOutbox(message: LocalMessage): Promise<void>;
  removeOutbox(clientMsgNo: string): Promise<void>;
}

export class MemoryStore implements ClientStore {
  private readonly byChannel = new Map<string, Map<number, LocalMessage | DeletedMessage>>();
  private readonly convs = new Map<string, Conversation>();
  private sync: { token: string | undefined; version: number } = { token: undefined, version: 0 };
  private readonly unsent = new Map<string, LocalMessage>();

  async putMessages(channel: string, messages: ReadonlyArray<LocalMessage | DeletedMessage>): Promise<void> {
    const seqs = this.byChannel.get(channel) ?? new Map<number, LocalMessage | DeletedMessage>();
    this.byChannel.set(channel, seqs);
    for (const m of messages) if (m.messageSeq > 0) seqs.set(m.messageSeq, m);
  }

  async messages(channel: string, fromSeq: number, toSeq: number): Promise<Array<LocalMessage | DeletedMessage>> {
    const seqs = this.byChannel.get(channel);
    const found: Array<LocalMessage | DeletedMessage> = [];
    for (let seq = fromSeq; seqs && seq <= toSeq; seq++) {
      const m = seqs.get(seq);
      if (m) found.push(m);
    }
    return found;
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
}

export const channelKey = (channelType: number, channelId: string): string => `${channelType}:${channelId}`;

const typeOfPrefix: Record<string, number> = { p2p: 1, team: 2, super_team: 3, system: 4 };
const prefixOfType = ['', 'p2p', 'team', 'super_team', 'system'];

/** The conversation id of a channel as its owner names it (`{channelType: 1, channelId: 'bob'}` → `p2p|bob`). */
export const conversationIdOf = (c: { channelType: number; channelId: string }): string => `${prefixOfType[c.channelType]}|${c.channelId}`;

/** The cache key of a conversation id (`p2p|bob` → `1:bob`). */
export function channelKeyOfConversation(conversationId: string): string {
  const bar = conversationId.indexOf('|');
  return channelKey(typeOfPrefix[conversationId.slice(0, bar)] ?? 0, conversationId.slice(bar + 1));
}

import type { Conversation, Message } from '@parley/protocol';

/** The newest messages per conversation, as `conversation.list` with `msgCount` hands them over. */
export const RECENTS_PER_CONVERSATION = 20;

interface Recents {
  /** Ascending by seq, without what the user deleted for themselves. */
  messages: Message[];
  lastSeq: number;
  /** Every message the user can see is here (the channel has no more than the recents cover). */
  complete: boolean;
}

/**
 * Seed 004's offline strategy: on connect, every conversation comes with its newest 20 messages in
 * one round trip, and the first look into a chat is answered from them; older history is pulled on
 * demand. Live messages extend them while they stay contiguous; a gap, a deletion or a reconnect
 * drops them (the server answers instead). Each channel's recents answer once, then the chat reads
 * from the server like any other page.
 */
export class RecentsCache {
  private readonly byChannel = new Map<string, Recents>();

  load(conversations: readonly Conversation[]): void {
    this.byChannel.clear();
    for (const c of conversations) {
      const messages = [...(c.recents ?? [])].sort((a, b) => a.messageSeq - b.messageSeq);
      const complete = c.lastMsgSeq - RECENTS_PER_CONVERSATION < 1;
      this.byChannel.set(`${c.channelType}:${c.channelId}`, { messages, lastSeq: c.lastMsgSeq, complete });
    }
  }

  /** The newest `limit` messages of the channel, if the recents hold them; they answer only once. */
  takeNewest(channel: string, limit: number): Message[] | undefined {
    const recents = this.byChannel.get(channel);
    if (!recents || (!recents.complete && recents.messages.length < limit)) return undefined;
    this.byChannel.delete(channel);
    return recents.messages.slice(-limit);
  }

  arrive(m: Message): void {
    const channel = `${m.channelType}:${m.channelId}`;
    const recents = this.byChannel.get(channel);
    if (!recents || m.messageSeq <= recents.lastSeq) return;
    if (m.messageSeq !== recents.lastSeq + 1) {
      this.byChannel.delete(channel);
      return;
    }
    recents.messages.push(m);
    recents.lastSeq = m.messageSeq;
  }

  update(m: Message): void {
    const recents = this.byChannel.get(`${m.channelType}:${m.channelId}`);
    const at = recents?.messages.findIndex((r) => r.messageSeq === m.messageSeq) ?? -1;
    if (recents && at >= 0) recents.messages[at] = m;
  }

  forget(channel: string): void {
    this.byChannel.delete(channel);
  }
}

import type { GroupSendFacts } from '../../../ports/storage/index.js';

/**
 * Group sends' permission facts by channel and sender, for `SendFactsCache`, which decides when they
 * may no longer hold. A sender's entries are also found by sender: a ban or an erasure names a user,
 * not their groups.
 */
export class GroupFacts {
  /** channel key -> sender -> facts */
  private readonly byChannel = new Map<string, Map<string, GroupSendFacts>>();
  /** sender -> the channel keys they have facts under */
  private readonly bySender = new Map<string, Set<string>>();
  private entries = 0;

  get(channel: string, sender: string): GroupSendFacts | undefined {
    return this.byChannel.get(channel)?.get(sender);
  }

  put(channel: string, sender: string, facts: GroupSendFacts): void {
    let senders = this.byChannel.get(channel);
    if (!senders) {
      senders = new Map();
      this.byChannel.set(channel, senders);
    }
    if (!senders.has(sender)) this.entries++;
    senders.set(sender, facts);
    let channels = this.bySender.get(sender);
    if (!channels) {
      channels = new Set();
      this.bySender.set(sender, channels);
    }
    channels.add(channel);
  }

  forgetChannel(channel: string): void {
    const senders = this.byChannel.get(channel);
    if (!senders) return;
    for (const sender of senders.keys()) {
      const channels = this.bySender.get(sender);
      channels?.delete(channel);
      // No sender is kept without facts: groups changed often must not leave every sender ever seen.
      if (channels && !channels.size) this.bySender.delete(sender);
    }
    this.entries -= senders.size;
    this.byChannel.delete(channel);
  }

  forgetSenders(uids: Iterable<string>): void {
    for (const uid of uids) {
      const channels = this.bySender.get(uid);
      if (!channels) continue;
      for (const channel of channels) {
        const senders = this.byChannel.get(channel);
        if (senders?.delete(uid)) this.entries--;
        if (senders && !senders.size) this.byChannel.delete(channel);
      }
      this.bySender.delete(uid);
    }
  }

  clear(): void {
    this.byChannel.clear();
    this.bySender.clear();
    this.entries = 0;
  }

  get size(): number {
    return this.entries;
  }

  /** Senders with facts kept. */
  get senders(): number {
    return this.bySender.size;
  }
}

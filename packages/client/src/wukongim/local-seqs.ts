import { wkOrderSeqFactor } from './const.js';

/**
 * The two local numbers of a WKMsg. `clientSeq` counts up as messages are first seen (WuKongIM's
 * database row id); `orderSeq` is messageSeq × 1000 for a stored message, and one past the channel's
 * highest orderSeq for a message still sending, so it sorts after everything already shown.
 */
export class LocalSeqs {
  private lastClientSeq = 0;
  private readonly clientSeqs = new Map<string, number>();
  private readonly pendingOrder = new Map<string, number>();
  private readonly maxOrder = new Map<string, number>();

  clientSeqOf(fromUid: string, clientMsgNo: string): number {
    const key = `${fromUid}\n${clientMsgNo}`;
    let seq = this.clientSeqs.get(key);
    if (seq === undefined) {
      seq = ++this.lastClientSeq;
      this.clientSeqs.set(key, seq);
    }
    return seq;
  }

  orderSeqOf(channel: string, messageSeq: number, clientMsgNo: string): number {
    if (messageSeq > 0) {
      this.pendingOrder.delete(clientMsgNo);
      return this.raise(channel, messageSeq * wkOrderSeqFactor);
    }
    let order = this.pendingOrder.get(clientMsgNo);
    if (order === undefined) {
      order = this.raise(channel, (this.maxOrder.get(channel) ?? 0) + 1);
      this.pendingOrder.set(clientMsgNo, order);
    }
    return order;
  }

  /** The channel's newest stored message is at least `messageSeq` (from the conversation list), so a send sorts after it. */
  knowLastSeq(channel: string, messageSeq: number): void {
    this.raise(channel, messageSeq * wkOrderSeqFactor);
  }

  private raise(channel: string, order: number): number {
    if (order > (this.maxOrder.get(channel) ?? 0)) this.maxOrder.set(channel, order);
    return order;
  }
}

/** WuKongIM's `getOrNearbyMsgSeq`: the messageSeq an orderSeq is at, or just after. */
export const msgSeqOf = (orderSeq: number): number => Math.floor(orderSeq / wkOrderSeqFactor);

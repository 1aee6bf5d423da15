import type { CommitResult, NewMessage, StoredAck } from '../../ports/storage/index.js';

/**
 * Dialect-free bookkeeping of one commit batch, shared by every SQL adapter so that they differ
 * only in how they talk to their database: within-batch deduplication, seq assignment per
 * channel in array order, and the per-user conversation touches with their versions.
 */
export const dedupeKey = (fromUid: string, clientMsgNo: string): string => `${fromUid}\u0000${clientMsgNo}`;
export const channelKeyOf = (m: { channelType: number; channelId: string }): string => `${m.channelType}\u0000${m.channelId}`;

export interface ConversationTouch {
  uid: string;
  conversationId: string;
  channelType: number;
  channelId: string;
  sortTs: number;
  lastSeq: number;
  /** The seq of the owner's own newest message in the batch (sending reads everything before it). */
  readSeq: number;
  /** Super groups keep no per-member order: only the sender's read position is written. */
  ownOnly: boolean;
  version: number;
}

export class BatchPlan {
  readonly fresh: NewMessage[] = [];
  readonly results: (CommitResult | undefined)[];
  readonly seqs: number[] = [];
  private readonly freshIndex: number[] = [];
  private readonly inBatch = new Map<string, number>();
  /** [index, index of the first entry with the same (fromUid, clientMsgNo)] */
  private readonly repeats: Array<[number, number]> = [];

  constructor(readonly batch: readonly NewMessage[]) {
    this.results = new Array(batch.length);
  }

  /** Marks duplicates (of stored messages, via `lookup`, or of an earlier entry of the batch). */
  dedupe(lookup: (m: NewMessage) => StoredAck | undefined): void {
    this.batch.forEach((m, i) => {
      const key = dedupeKey(m.fromUid, m.clientMsgNo);
      const earlier = this.inBatch.get(key);
      if (earlier !== undefined) {
        this.repeats.push([i, earlier]);
        return;
      }
      const stored = lookup(m);
      if (stored) {
        this.results[i] = { status: 'duplicate', ack: stored };
        return;
      }
      this.inBatch.set(key, i);
      this.freshIndex.push(i);
      this.fresh.push(m);
    });
  }

  /** Fresh messages per channel, in order: `{channel, count, lastTs}`. */
  channelCounts(): Array<{ channelType: number; channelId: string; count: number; lastTs: number }> {
    const byChannel = new Map<string, { channelType: number; channelId: string; count: number; lastTs: number }>();
    for (const m of this.fresh) {
      const key = channelKeyOf(m);
      const entry = byChannel.get(key);
      if (entry) {
        entry.count++;
        entry.lastTs = Math.max(entry.lastTs, m.timestamp);
      } else byChannel.set(key, { channelType: m.channelType, channelId: m.channelId, count: 1, lastTs: m.timestamp });
    }
    return [...byChannel.values()].sort((a, b) => a.channelType - b.channelType || (a.channelId < b.channelId ? -1 : 1));
  }

  /** Given each channel's new max seq, numbers the fresh messages contiguously in array order. */
  assignSeqs(maxSeqAfter: Map<string, number>, counts: ReturnType<BatchPlan['channelCounts']>): void {
    const next = new Map<string, number>();
    for (const c of counts) next.set(channelKeyOf(c), (maxSeqAfter.get(channelKeyOf(c)) ?? 0) - c.count + 1);
    for (const m of this.fresh) {
      const key = channelKeyOf(m);
      const seq = next.get(key) as number;
      next.set(key, seq + 1);
      this.seqs.push(seq);
    }
  }

  /**
   * The conversation rows the batch touches, one per (uid, conversation), in first-touch order.
   * `membersOf` is asked once per group channel of the batch.
   */
  touches(membersOf: (m: NewMessage) => readonly string[]): ConversationTouch[] {
    const touched = new Map<string, ConversationTouch>();
    const memberCache = new Map<string, readonly string[]>();
    const cachedMembersOf = (m: NewMessage): readonly string[] => {
      const key = channelKeyOf(m);
      const cached = memberCache.get(key);
      if (cached) return cached;
      const uids = membersOf(m);
      memberCache.set(key, uids);
      return uids;
    };
    this.fresh.forEach((m, i) => {
      const seq = this.seqs[i] as number;
      const touch = (uid: string, conversationId: string, ownOnly: boolean) => {
        const key = dedupeKey(uid, conversationId);
        let t = touched.get(key);
        if (!t) {
          t = {
            uid,
            conversationId,
            channelType: m.channelType,
            channelId: m.channelId,
            sortTs: 0,
            lastSeq: 0,
            readSeq: 0,
            ownOnly,
            version: 0,
          };
          touched.set(key, t);
        }
        if (!ownOnly) {
          t.sortTs = Math.max(t.sortTs, m.timestamp);
          t.lastSeq = seq;
        }
        if (uid === m.fromUid) t.readSeq = seq;
      };
      const f = m.fanout;
      if (f.kind === 'users') for (const t of f.targets) touch(t.uid, t.conversationId, false);
      else if (f.kind === 'members') for (const uid of cachedMembersOf(m)) touch(uid, f.conversationId, false);
      else touch(m.fromUid, f.conversationId, true);
    });
    return [...touched.values()];
  }

  /** How many conversation versions each user needs (super-group sender rows take none). */
  static versionDemand(touches: readonly ConversationTouch[]): Map<string, number> {
    const demand = new Map<string, number>();
    for (const t of touches) if (!t.ownOnly) demand.set(t.uid, (demand.get(t.uid) ?? 0) + 1);
    return demand;
  }

  /** Hands out versions `top-k+1 .. top` per user in touch order. */
  static assignVersions(touches: ConversationTouch[], topVersion: Map<string, number>, demand: Map<string, number>): void {
    const next = new Map<string, number>();
    for (const [uid, top] of topVersion) next.set(uid, top - (demand.get(uid) ?? 0) + 1);
    for (const t of touches) {
      if (t.ownOnly) continue;
      const v = next.get(t.uid);
      if (v === undefined) continue; // no such user row: nothing to version
      t.version = v;
      next.set(t.uid, v + 1);
    }
  }

  finish(touches: readonly ConversationTouch[]): CommitResult[] {
    const byConversation = new Map<string, ConversationTouch[]>();
    for (const t of touches) {
      if (t.ownOnly || !t.version) continue;
      const key = channelKeyOf(t);
      const list = byConversation.get(key);
      if (list) list.push(t);
      else byConversation.set(key, [t]);
    }
    this.fresh.forEach((m, i) => {
      const versions = (byConversation.get(channelKeyOf(m)) ?? []).map((t) => ({ uid: t.uid, version: t.version }));
      this.results[this.freshIndex[i] as number] = {
        status: 'stored',
        ack: { messageId: m.messageId, messageSeq: this.seqs[i] as number, timestamp: m.timestamp },
        versions,
      };
    });
    for (const [dup, first] of this.repeats) {
      this.results[dup] = { status: 'duplicate', ack: (this.results[first] as CommitResult).ack };
    }
    return this.results as CommitResult[];
  }
}

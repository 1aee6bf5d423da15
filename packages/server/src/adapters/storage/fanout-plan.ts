import type { CommitResult, ConversationRow, NewMessage, OutboxEvent, StoredAck } from '../../ports/storage/index.js';

/**
 * Dialect-free bookkeeping of one commit batch, shared by every SQL adapter so that they differ
 * only in how they talk to their database: within-batch deduplication, seq and ordinal
 * assignment per channel in array order, and the per-user conversation touches with their versions.
 */
export const dedupeKey = (fromUid: string, clientMsgNo: string): string => `${fromUid}\u0000${clientMsgNo}`;
export const channelKeyOf = (m: { channelType: number; channelId: string }): string => `${m.channelType}\u0000${m.channelId}`;

/** A member as the fan-out needs them: where their unread counting starts. */
export interface FanoutMember {
  uid: string;
  joinSeq: number;
  joinOrd: number;
  /** Nothing at or below it is visible: the join point, unless the group shows history to newcomers. */
  clearFloor: number;
}

export interface ChannelBump {
  channelType: number;
  channelId: string;
  count: number;
  redCount: number;
  lastTs: number;
  /** 1-based position, within the batch's messages to this channel, of the last @all message; 0 = none. */
  allMentionAt: number;
}

export interface ConversationTouch {
  uid: string;
  conversationId: string;
  channelType: number;
  channelId: string;
  sortTs: number;
  lastSeq: number;
  lastOrd: number;
  /** Where the row's read position starts if it is new, or moves to (own message). */
  readSeq: number;
  readOrd: number;
  /** A new row's visibility floor (see FanoutMember.clearFloor); an existing row keeps the higher one. */
  clearSeq: number;
  mentionSeq: number;
  /** Super groups keep no per-member order: only the owner's own fields (read, mention) are written. */
  ownOnly: boolean;
  /** 1: the owner sent a message of the batch here, and their draft of it is cleared. A number: SQLite binds it as is. */
  sent: 0 | 1;
  version: number;
}

/** No uid: the mentions of a message that mentions no one by uid (most), without a Set each. */
const NO_ONE: ReadonlySet<string> = new Set();

/** How far apart two updateTimes of one user's conversations are at least (see `assignSortTimes`). */
export const SORT_TS_SPACING = 2;

/** A user's next updateTime: `wanted`, unless that is not SORT_TS_SPACING past their last one. */
export const nextSortTs = (wanted: number, last: number): number => Math.max(wanted, last + SORT_TS_SPACING);

/** One queue row of a sync-once message. */
export interface QueueEntry {
  uid: string;
  messageId: string;
}

export class BatchPlan {
  /** New channel messages: they take seqs. */
  readonly fresh: NewMessage[] = [];
  /** New sync-once messages: no seq, one queue row per recipient (see SyncOnceStore). */
  readonly once: NewMessage[] = [];
  private readonly onceIndex: number[] = [];
  readonly results: (CommitResult | undefined)[];
  readonly seqs: number[] = [];
  readonly ords: number[] = [];
  private readonly freshIndex: number[] = [];
  /** Each fresh message's channel key, made once: every step below looks channels up by it. */
  private readonly freshKeys: string[] = [];
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
      if (m.syncOnce) {
        this.onceIndex.push(i);
        this.once.push(m);
        return;
      }
      this.freshIndex.push(i);
      this.freshKeys.push(channelKeyOf(m));
      this.fresh.push(m);
    });
  }

  /** Nothing to write: every message of the batch is a duplicate. */
  get empty(): boolean {
    return !this.fresh.length && !this.once.length;
  }

  /**
   * The queue rows of the batch's sync-once messages, in batch order, each recipient once per
   * message: a 'users' fan-out's targets, or the members `membersOf` names for a 'members' one.
   */
  queueEntries(membersOf: (m: NewMessage) => readonly string[]): QueueEntry[] {
    const entries: QueueEntry[] = [];
    for (const m of this.once) {
      const f = m.fanout;
      const uids = f.kind === 'users' ? f.targets.map((t) => t.uid) : f.kind === 'members' ? membersOf(m) : [];
      for (const uid of new Set(uids)) entries.push({ uid, messageId: m.messageId });
    }
    return entries;
  }

  /** What each channel's row must be raised by, channels in a fixed order (the lock order). */
  channelBumps(): ChannelBump[] {
    const byChannel = new Map<string, ChannelBump>();
    this.fresh.forEach((m, i) => {
      const key = this.freshKeys[i] as string;
      let entry = byChannel.get(key);
      if (!entry) {
        entry = { channelType: m.channelType, channelId: m.channelId, count: 0, redCount: 0, lastTs: 0, allMentionAt: 0 };
        byChannel.set(key, entry);
      }
      entry.count++;
      if (m.redDot) entry.redCount++;
      if (m.mentionAll) entry.allMentionAt = entry.count;
      entry.lastTs = Math.max(entry.lastTs, m.timestamp);
    });
    return [...byChannel.values()].sort((a, b) => a.channelType - b.channelType || (a.channelId < b.channelId ? -1 : 1));
  }

  get touchesSuperGroups(): boolean {
    return this.fresh.some((m) => m.channelType === 3);
  }

  /**
   * Given each channel's max seq and countable-message count after the bump, numbers the fresh
   * messages contiguously in array order and gives each its ordinal.
   */
  assignSeqs(after: Map<string, { maxSeq: number; redCount: number }>, bumps: readonly ChannelBump[]): void {
    const next = new Map<string, { seq: number; ord: number }>();
    for (const b of bumps) {
      const key = channelKeyOf(b);
      const a = after.get(key) ?? { maxSeq: 0, redCount: 0 };
      next.set(key, { seq: a.maxSeq - b.count + 1, ord: a.redCount - b.redCount });
    }
    this.fresh.forEach((m, i) => {
      const cursor = next.get(this.freshKeys[i] as string) as { seq: number; ord: number };
      if (m.redDot) cursor.ord++;
      this.seqs.push(cursor.seq);
      this.ords.push(cursor.ord);
      cursor.seq++;
    });
  }

  /**
   * Moves each channel's numbering by its offset (a channel absent from `by` stays): for a plan
   * numbered from 0 before the channels' seqs were known, once they are (commit-one-statement.ts).
   */
  offsetSeqs(by: ReadonlyMap<string, { seq: number; ord: number }>): void {
    this.fresh.forEach((_, i) => {
      const offset = by.get(this.freshKeys[i] as string);
      if (!offset) return;
      this.seqs[i] = (this.seqs[i] as number) + offset.seq;
      this.ords[i] = (this.ords[i] as number) + offset.ord;
    });
  }

  /**
   * The conversation rows the batch touches, one per (uid, conversation), in first-touch order.
   * `membersOf` is asked once per group channel of the batch.
   */
  touches(membersOf: (m: NewMessage) => readonly FanoutMember[]): ConversationTouch[] {
    const touched = new Map<string, ConversationTouch>();
    const memberCache = new Map<string, readonly FanoutMember[]>();
    const cachedMembersOf = (m: NewMessage): readonly FanoutMember[] => {
      const key = channelKeyOf(m);
      const cached = memberCache.get(key);
      if (cached) return cached;
      const members = membersOf(m);
      memberCache.set(key, members);
      return members;
    };
    this.fresh.forEach((m, i) => {
      const seq = this.seqs[i] as number;
      const ord = this.ords[i] as number;
      const mentioned = m.mentionUids.length ? new Set(m.mentionUids) : NO_ONE;
      const touch = (member: FanoutMember, conversationId: string, ownOnly: boolean) => {
        const key = dedupeKey(member.uid, conversationId);
        let t = touched.get(key);
        if (!t) {
          t = {
            uid: member.uid,
            conversationId,
            channelType: m.channelType,
            channelId: m.channelId,
            sortTs: 0,
            lastSeq: 0,
            lastOrd: 0,
            readSeq: member.joinSeq,
            readOrd: member.joinOrd,
            clearSeq: member.clearFloor,
            mentionSeq: 0,
            ownOnly,
            sent: 0,
            version: 0,
          };
          touched.set(key, t);
        }
        if (!ownOnly) {
          t.sortTs = Math.max(t.sortTs, m.timestamp);
          t.lastSeq = seq;
          t.lastOrd = ord;
        }
        if (member.uid === m.fromUid) {
          t.sent = 1;
          t.readSeq = seq;
          t.readOrd = ord;
        } else if (mentioned.has(member.uid) || (m.mentionAll && !ownOnly)) t.mentionSeq = seq;
      };
      const f = m.fanout;
      if (f.kind === 'users')
        for (const t of f.targets) touch({ uid: t.uid, joinSeq: 0, joinOrd: 0, clearFloor: 0 }, t.conversationId, false);
      else if (f.kind === 'members') for (const member of cachedMembersOf(m)) touch(member, f.conversationId, false);
      else {
        // Super group: the sender's read position, and the rows of members mentioned by uid.
        touch({ uid: m.fromUid, joinSeq: 0, joinOrd: 0, clearFloor: 0 }, f.conversationId, true);
        for (const uid of mentioned) touch({ uid, joinSeq: 0, joinOrd: 0, clearFloor: 0 }, f.conversationId, true);
      }
    });
    return [...touched.values()];
  }

  /** How many conversation versions each user needs (super-group rows take none). */
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

  /**
   * What each user's `last_sort_ts` must be raised to, in the same statement that raises their
   * version: at least `span` above the old value (SORT_TS_SPACING per conversation touched) and at
   * least `floor`, so that the touches, packed SORT_TS_SPACING apart below the new value, each stay
   * at or above their message's time (see `assignSortTimes`).
   */
  static sortTimeDemand(touches: readonly ConversationTouch[]): Map<string, { span: number; floor: number }> {
    const byUser = new Map<string, number[]>();
    for (const t of touches) {
      if (t.ownOnly) continue;
      const times = byUser.get(t.uid);
      if (times) times.push(t.sortTs);
      else byUser.set(t.uid, [t.sortTs]);
    }
    const demand = new Map<string, { span: number; floor: number }>();
    for (const [uid, times] of byUser) {
      const k = times.length;
      const floor = Math.max(...times.map((ts, i) => ts + SORT_TS_SPACING * (k - 1 - i)));
      demand.set(uid, { span: SORT_TS_SPACING * k, floor });
    }
    return demand;
  }

  /**
   * Gives each versioned touch its updateTime from its owner's new `last_sort_ts` (raised per
   * `sortTimeDemand`): the last touch gets it, the ones before SORT_TS_SPACING less each. So a
   * user's conversations never share an updateTime, nor sit 1 ms apart, each is at or above its
   * message's time and above every earlier one, and NIM's timestamp-window paging
   * (`maxTimestamp: min` or `min - 1`) can never skip one that shares the page's boundary.
   */
  static assignSortTimes(touches: ConversationTouch[], lastSortTs: ReadonlyMap<string, number>): void {
    const remaining = new Map<string, number>();
    for (const t of touches) if (!t.ownOnly && t.version) remaining.set(t.uid, (remaining.get(t.uid) ?? 0) + 1);
    for (const t of touches) {
      const left = remaining.get(t.uid);
      const last = lastSortTs.get(t.uid);
      if (t.ownOnly || !t.version || left === undefined || last === undefined) continue;
      t.sortTs = last - SORT_TS_SPACING * (left - 1);
      remaining.set(t.uid, left - 1);
    }
  }

  /**
   * The webhook events of the batch's stored messages (see NewMessage.events), in batch order, each
   * message's recipients taken from what the commit wrote: the owners of its channel's conversation
   * rows (`rows`, as for `finish`), or for a sync-once message the uids it was queued for.
   */
  events(rows: readonly ConversationRow[], queued: readonly QueueEntry[]): OutboxEvent[] {
    if (!this.batch.some((m) => m.events)) return [];
    const owners = groupBy(rows, channelKeyOf, (row) => row.uid);
    const queuedFor = groupBy(
      queued,
      (q) => q.messageId,
      (q) => q.uid,
    );
    const rowsOf = groupBy(rows, channelKeyOf, (row) => row);
    const stored: Array<{ at: number; message: NewMessage; messageSeq: number; recipients: readonly string[]; muted?: readonly string[] }> =
      [];
    this.fresh.forEach((m, i) => {
      const at = this.freshIndex[i] as number;
      // The webhook's message.offline marks a recipient who has the conversation muted (docs/webhooks.md).
      const key = this.freshKeys[i] as string;
      const muted = (rowsOf.get(key) ?? []).filter((r) => r.mutedUntil > m.timestamp).map((r) => r.uid);
      stored.push({ at, message: m, messageSeq: this.seqs[i] as number, recipients: [...new Set(owners.get(key))], muted });
    });
    this.once.forEach((m, i) => {
      stored.push({ at: this.onceIndex[i] as number, message: m, messageSeq: 0, recipients: queuedFor.get(m.messageId) ?? [] });
    });
    stored.sort((a, b) => a.at - b.at);
    return stored.flatMap((s) => s.message.events?.({ messageSeq: s.messageSeq, recipients: s.recipients, muted: s.muted }) ?? []);
  }

  /**
   * Results in batch order; `rows` are the upserted conversation rows as the database returned them,
   * `queued` the queue rows it wrote (recipients without a user record have none).
   */
  finish(rows: readonly ConversationRow[], queued: readonly QueueEntry[] = []): CommitResult[] {
    const byChannel = groupBy(rows, channelKeyOf, (row) => row);
    this.fresh.forEach((m, i) => {
      this.results[this.freshIndex[i] as number] = {
        status: 'stored',
        ack: { messageId: m.messageId, messageSeq: this.seqs[i] as number, timestamp: m.timestamp },
        conversations: byChannel.get(this.freshKeys[i] as string) ?? [],
      };
    });
    const recipients = groupBy(
      queued,
      (q) => q.messageId,
      (q) => q.uid,
    );
    this.once.forEach((m, i) => {
      this.results[this.onceIndex[i] as number] = {
        status: 'stored',
        ack: { messageId: m.messageId, messageSeq: 0, timestamp: m.timestamp },
        conversations: [],
        recipients: recipients.get(m.messageId) ?? [],
      };
    });
    for (const [dup, first] of this.repeats) {
      this.results[dup] = { status: 'duplicate', ack: (this.results[first] as CommitResult).ack };
    }
    return this.results as CommitResult[];
  }
}

/** Items grouped by `keyOf`, each group in item order, as `pick` maps them. */
function groupBy<T, V>(items: readonly T[], keyOf: (item: T) => string, pick: (item: T) => V): Map<string, V[]> {
  const groups = new Map<string, V[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(pick(item));
    else groups.set(key, [pick(item)]);
  }
  return groups;
}

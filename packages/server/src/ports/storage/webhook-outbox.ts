/**
 * One webhook event as the domain hands it to a write: serialized once, stored, and later posted as is
 * (the dispatcher wraps it in its envelope). See WebhookOutboxStore.
 */
export interface OutboxEvent {
  /** Unique across the deployment and the same on every retry: what receivers deduplicate on. */
  id: string;
  /** `message.sent`, `group.created`…: the documented event names (docs/webhooks.md). */
  type: string;
  /**
   * Events of one order key (a channel's, a user's) are delivered in the order they were written:
   * one write's in array order, and a write's after those of every write that committed before it
   * began (a channel's message commits are serialized, so they keep their seq order). Events of
   * writes that ran at the same time may interleave.
   */
  orderKey: string;
  /** ms since the epoch, the caller's clock. */
  createdAt: number;
  /** The event's `data`, a JSON object's text. */
  dataJson: string;
}

/**
 * The events a write reports, made from what it did. A store calls it inside the write's own
 * transaction, only when the write changed something (each method says when, and with what), and
 * writes what it returns into the outbox in that same transaction: the events exist if and only if
 * the change does. It must be synchronous and pure but for making ids: a store may call it again
 * when it reruns a transaction, and only the committed run's events stay. If it throws, the write
 * fails and nothing of it is stored.
 */
export type EventsOf<R> = (result: R) => readonly OutboxEvent[];

/** What a message commit tells a message's `events` (see NewMessage.events). */
export interface MessageStored {
  /** The seq the message took (0 for a sync-once message). */
  messageSeq: number;
  /**
   * Who the message reached in this commit, the sender included: the owners of the conversation
   * rows it touched ('users' and 'members' fan-outs; only uids with a user record), or the uids it
   * was queued for (sync-once). [] for a super group, whose members are never read by a commit.
   */
  recipients: readonly string[];
  /** Those of `recipients` whose conversation row was muted at the message's time (fan-outs only). */
  muted?: readonly string[];
}

/**
 * Lanes order the outbox: an order key always maps to the same lane, events of one lane are
 * delivered one batch at a time in the order they were written, and a lane waits while its batch
 * is being retried. The count is part of the stored data: never change it.
 */
export const OUTBOX_LANES = 64;

/**
 * The lane of an order key: FNV-1a over its UTF-16 code units, mixed by MurmurHash3's finalizer
 * (FNV's low bits alone follow the parity of the key's characters: `1|u7|v7` and `1|u8|v8` would
 * always share half the lanes), modulo OUTBOX_LANES.
 */
export function laneOf(orderKey: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < orderKey.length; i++) {
    hash ^= orderKey.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) % OUTBOX_LANES;
}

/** An event read back from the outbox. */
export interface StoredEvent {
  /** Its place in the outbox: increasing in write order within a lane, kept when it is replayed. */
  position: number;
  id: string;
  type: string;
  lane: number;
  createdAt: number;
  dataJson: string;
}

export interface DeadLetter extends StoredEvent {
  /** When it was given up on. */
  diedAt: number;
  /** Why its last delivery failed. */
  lastError: string;
}

export interface ClaimOptions {
  /** The lease ends at now + leaseMs: after that any owner may claim the lane again. */
  leaseMs: number;
  /** At most this many lanes per claim. */
  maxLanes: number;
  /** At most this many events. */
  maxEvents: number;
}

export interface Claim {
  /** The lanes leased to the caller by this claim (none: nothing to do now). */
  lanes: number[];
  /** The most failed attempts among them, since their last delivery: the next backoff grows from it. */
  attempts: number;
  /**
   * The oldest events of those lanes, in position order, at most maxEvents: for each lane a prefix
   * of its events, so a caller that sends a prefix of this list keeps every lane's order.
   */
  events: StoredEvent[];
}

export interface Failure {
  now: number;
  /** The lanes are not claimed again before this. */
  retryAt: number;
  /** Why (an HTTP status, a timeout): kept on the lanes and on the events that die. */
  error: string;
  /**
   * Of the events that failed, those older than this move to the dead letters: written before it, or
   * for a replayed one, replayed before it (see `replay`).
   */
  deadBefore: number;
}

export interface LaneState {
  lane: number;
  /** Failed attempts since the lane's last delivery. */
  attempts: number;
  retryAt: number;
  lastError: string;
}

export interface OutboxStatus {
  /** Events waiting to be delivered. */
  pending: number;
  deadLetters: number;
  /** Lanes whose last delivery failed, by lane. */
  failing: LaneState[];
}

/**
 * The durable webhook outbox (docs/webhooks.md). Events are written in the same transaction as the
 * change they report (the `events` of MessageStore.commit, MessageStateStore, ConversationStore and
 * ChannelStore writes, each an EventsOf), or by `append` for what no stored change reports (a user
 * coming online). Delivery claims lanes (see OUTBOX_LANES):
 * - A lane is leased to one owner at a time, across every node sharing the store: between `claim`
 *   and the owner's `delivered`, `failed` or `release`, or until the lease runs out, no other
 *   owner's claim returns its events, so each event is delivered by one node in the normal case.
 * - A lane whose delivery failed is not claimed before its retryAt, and its events keep their order:
 *   later ones wait behind the failed ones (dead letters aside).
 * - `delivered` removes the events it names whoever holds their lane by then (they did arrive);
 *   `failed` and `release` change only lanes the owner still holds. So an event is delivered at
 *   least once (a lease that ran out may let another node deliver it again) and never lost.
 * Every method is atomic.
 */
export interface WebhookOutboxStore {
  /** Writes the events (in array order) in one transaction. */
  append(events: readonly OutboxEvent[]): Promise<void>;
  /**
   * Leases up to maxLanes lanes that hold events, are not leased (or their lease ran out) and are
   * due (retryAt <= now), preferring those with the oldest events, and returns their first events.
   */
  claim(owner: string, now: number, options: ClaimOptions): Promise<Claim>;
  /** Removes the delivered events and frees the lanes (their failed attempts back to 0). */
  delivered(owner: string, lanes: readonly number[], positions: readonly number[]): Promise<void>;
  /**
   * A failed delivery of `positions`: those created before failure.deadBefore move to the dead
   * letters; the lanes count one more failed attempt and wait until failure.retryAt. Answers how
   * many events died.
   */
  failed(owner: string, lanes: readonly number[], positions: readonly number[], failure: Failure): Promise<number>;
  /** Frees the owner's leases on `lanes`, or on every lane (a restarted node frees what it held before it died). */
  release(owner: string, lanes?: readonly number[]): Promise<void>;
  /** Dead letters in position order, after `after` (a position), at most `limit`. */
  deadLetters(after: number | undefined, limit: number): Promise<DeadLetter[]>;
  /**
   * Moves dead letters back into the outbox at their old positions (delivered before what came
   * after them in their lane): those with these event ids, or when `ids` is undefined the oldest
   * `limit` of them. Their age starts again at `now` (see Failure.deadBefore). Answers how many moved.
   */
  replay(ids: readonly string[] | undefined, limit: number, now: number): Promise<number>;
  /** Deletes dead letters for good: those with these event ids, or when `ids` is undefined the oldest `limit`. Answers how many. */
  discard(ids: readonly string[] | undefined, limit: number): Promise<number>;
  /**
   * One step of forgetting an erased user in the events, pending and dead: over the `scan` events
   * with the lowest positions after `after` (both tables together), deletes those the user wrote or
   * that are about them (`data.fromUid` or `data.uid` is theirs, or the channel is their system
   * channel: `data.channelType` 4, `data.channelId` theirs), and drops the quoted text
   * (`data.reply.preview`) of replies quoting them. Answers the last position looked at, or
   * undefined once none is left after it. Others' events keep naming their uid (as their peer, a
   * member), as others' stored data does.
   */
  forgetUser(uid: string, after: number, scan: number): Promise<number | undefined>;
  status(): Promise<OutboxStatus>;
  /** The webhook URL the admin API set ('' turned webhooks off), or undefined: none set, the environment's applies. */
  endpoint(): Promise<string | undefined>;
  /** Sets it; undefined removes it. */
  setEndpoint(url: string | undefined, now: number): Promise<void>;
}

import type { PersonSendFacts } from '../../../ports/storage/index.js';

const pairKey = (ownerUid: string, blockedUid: string): string => `${ownerUid}\u0000${blockedUid}`;

/**
 * The facts a 1:1 send is checked against (does the peer exist, does it block the sender, is the
 * sender banned), kept in memory by the SQLite store: a check answered here is three map reads instead
 * of a read on the thread that commits the sends, 5 % of it (BENCHMARKS.md, issue 14).
 *
 * It cannot answer what the database no longer says, for two reasons:
 * - Every write this store makes to what the facts come from (users made, banned or erased,
 *   blacklists) forgets the entries it changes, in the same synchronous call as the write, so a check
 *   asked after the write reads the database again.
 * - A commit by any other connection (the CLI, the webhook worker's connection, another process) moves
 *   SQLite's `data_version` for this one. The cache reads it before answering, once an event-loop turn,
 *   and empties itself when it moved. (So with webhooks on, whose worker commits to this file, it
 *   empties after each of that worker's commits: slower, never wrong.)
 *
 * PostgreSQL has none: other nodes write there, and forgetting would take a message over the bus.
 */
export class SendFactsCache {
  private readonly exists = new Map<string, boolean>();
  private readonly banned = new Map<string, boolean>();
  /** pairKey(owner, blocked): whether owner blocks blocked. */
  private readonly blocks = new Map<string, boolean>();
  private seenVersion: number;
  private lookedThisTurn = false;

  constructor(
    /** `PRAGMA data_version` on the store's connection. */
    private readonly dataVersion: () => number,
    /** Past this many entries in one map, the cache starts over rather than grow without end. */
    private readonly maxEntries = 100_000,
  ) {
    this.seenVersion = dataVersion();
  }

  /** The facts, if every one of them is known. */
  get(senderUid: string, peerUid: string): PersonSendFacts | undefined {
    this.lookForOtherWriters();
    const peerExists = this.exists.get(peerUid);
    const blockedByPeer = this.blocks.get(pairKey(peerUid, senderUid));
    const senderBanned = this.banned.get(senderUid);
    if (peerExists === undefined || blockedByPeer === undefined || senderBanned === undefined) return undefined;
    return { peerExists, blockedByPeer, senderBanned };
  }

  /** Keeps facts just read from the database, in the same synchronous call as the read. */
  put(senderUid: string, peerUid: string, facts: PersonSendFacts): void {
    if (this.exists.size >= this.maxEntries || this.banned.size >= this.maxEntries || this.blocks.size >= this.maxEntries) {
      this.clear();
    }
    this.exists.set(peerUid, facts.peerExists);
    this.blocks.set(pairKey(peerUid, senderUid), facts.blockedByPeer);
    this.banned.set(senderUid, facts.senderBanned);
  }

  /** A user was made, changed or banned: what is known of whether it exists or is banned goes. */
  forgetUsers(uids: Iterable<string>): void {
    for (const uid of uids) {
      this.exists.delete(uid);
      this.banned.delete(uid);
    }
  }

  /** `ownerUid` blocked or unblocked `uids`. */
  forgetBlocks(ownerUid: string, uids: Iterable<string>): void {
    for (const uid of uids) this.blocks.delete(pairKey(ownerUid, uid));
  }

  /** Everything goes: for writes too broad to name entries by (an erasure). */
  clear(): void {
    this.exists.clear();
    this.banned.clear();
    this.blocks.clear();
  }

  get size(): number {
    return this.exists.size + this.banned.size + this.blocks.size;
  }

  private lookForOtherWriters(): void {
    if (this.lookedThisTurn) return;
    this.lookedThisTurn = true;
    setImmediate(() => {
      this.lookedThisTurn = false;
    });
    const version = this.dataVersion();
    if (version === this.seenVersion) return;
    this.seenVersion = version;
    this.clear();
  }
}

import type { ChannelKey, GroupSendFacts, PersonSendFacts } from '../../../ports/storage/index.js';
import { channelKeyOf } from '../fanout-plan.js';
import { GroupFacts } from './group-facts.js';

const pairKey = (ownerUid: string, blockedUid: string): string => `${ownerUid}\u0000${blockedUid}`;

/**
 * The facts a 1:1 send is checked against (does the peer exist, does it block the sender, is the
 * sender banned), and those of a group send (the group, the sender's membership, the whitelist, the
 * sender's ban: `ChannelStore.groupSendFacts`), kept in memory by the SQLite store: a check answered
 * here is a few map reads instead of a read on the thread that commits the sends, which outside a
 * transaction takes and drops WAL read locks (BENCHMARKS.md, issue 14).
 *
 * It cannot answer what the database no longer says, for two reasons:
 * - Every write this store makes to what the facts come from (users made, banned or erased,
 *   blacklists; groups made or changed, members, roles, mutes, whitelists, retention) forgets the
 *   entries it changes, in the same synchronous call as the write, so a check asked after the write
 *   reads the database again.
 * - A commit by any other connection (the CLI, the webhook worker's connection, another process) moves
 *   SQLite's `data_version` for this one. The cache looks at it before answering, once an event-loop
 *   turn; when it moved, it reads `send_facts_version`, which triggers raise on every change to those
 *   facts by any connection (migrations.ts), and empties itself if that moved too. So the webhook
 *   worker's commits, which write other tables, leave it alone. This store's own writes raise that
 *   count as well: the next look after another connection's commit then empties it once more than
 *   needed, which costs reads, not correctness.
 *
 * PostgreSQL has none: other nodes write there, and forgetting would take a message over the bus.
 */
export class SendFactsCache {
  private readonly exists = new Map<string, boolean>();
  private readonly banned = new Map<string, boolean>();
  /** pairKey(owner, blocked): whether owner blocks blocked. */
  private readonly blocks = new Map<string, boolean>();
  private readonly groups = new GroupFacts();
  private seenDataVersion: number;
  private seenFactsVersion: number;
  private lookedThisTurn = false;

  constructor(
    private readonly versions: {
      /** `PRAGMA data_version` on the store's connection: moves when another connection commits. */
      data: () => number;
      /** `send_facts_version`: moves when any connection changes users, bans or blacklists. */
      facts: () => number;
    },
    /** Past this many entries in one map, the cache starts over rather than grow without end. */
    private readonly maxEntries = 100_000,
    /** The same for group facts, an object each (a few hundred bytes, where a 1:1 fact is a boolean). */
    private readonly maxGroupEntries = 20_000,
  ) {
    this.seenDataVersion = versions.data();
    this.seenFactsVersion = versions.facts();
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

  /**
   * A group send's facts, if known. Only the message counters of their `channel` (`maxSeq`,
   * `lastMessageAt`) may be older than the database's: commits move them and forget nothing here.
   */
  getGroup(key: ChannelKey, senderUid: string): GroupSendFacts | undefined {
    this.lookForOtherWriters();
    return this.groups.get(channelKeyOf(key), senderUid);
  }

  /** Keeps a group send's facts just read, in the same synchronous call as the read. */
  putGroup(key: ChannelKey, senderUid: string, facts: GroupSendFacts): void {
    if (this.groups.size >= this.maxGroupEntries) this.groups.clear();
    this.groups.put(channelKeyOf(key), senderUid, facts);
  }

  /** The group, its members, roles, mutes, whitelist or retention changed. */
  forgetGroup(key: ChannelKey): void {
    this.groups.forgetChannel(channelKeyOf(key));
  }

  /** A user was made, changed or banned: what is known of whether it exists or is banned goes. */
  forgetUsers(uids: Iterable<string>): void {
    const list = [...uids];
    for (const uid of list) {
      this.exists.delete(uid);
      this.banned.delete(uid);
    }
    this.groups.forgetSenders(list);
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
    this.groups.clear();
  }

  get size(): number {
    return this.exists.size + this.banned.size + this.blocks.size + this.groups.size;
  }

  private lookForOtherWriters(): void {
    if (this.lookedThisTurn) return;
    this.lookedThisTurn = true;
    setImmediate(() => {
      this.lookedThisTurn = false;
    });
    const data = this.versions.data();
    if (data === this.seenDataVersion) return;
    this.seenDataVersion = data;
    const facts = this.versions.facts();
    if (facts === this.seenFactsVersion) return;
    this.seenFactsVersion = facts;
    this.clear();
  }
}

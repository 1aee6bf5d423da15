import type { Database } from 'better-sqlite3';

/** A user's `conv_version` and `last_sort_ts`, as the last commit of a send batch left them. */
export interface UserClock {
  version: number;
  lastSortTs: number;
}

/** Where the database stood when a commit ended: see `UserClockCache.open`. */
export interface WriteMarks {
  data: number;
  changes: number;
}

/**
 * The clocks of the users that the send batches' commits raised, so the next commit raises a user's
 * clock with an `UPDATE` of known values instead of `UPDATE … RETURNING`: in a scratch loop,
 * 1.5 against 2.6-2.8 µs a user (BENCHMARKS.md, 2026-12-05), and a 1:1 message raises two users.
 *
 * It is trusted only while nothing else has written since the last commit that filled it. `open`
 * runs first in each commit's transaction, which holds the write lock, and forgets everything if
 * - another connection committed (`PRAGMA data_version` moved: the CLI, the webhook worker's
 *   connection, another process), or
 * - this connection wrote anything outside a send batch's commit (`total_changes()` moved: a revoke,
 *   a message deleted for a user, a user made or erased, the search log trimmed).
 * So no other path that writes a user's clock has to know about this cache, though the frequent one
 * does, to keep it: a conversation's update (a read mark, a pin, a draft) runs through `wrote`, which
 * forgets that user alone. A commit's clocks are kept only once its transaction has committed (`keep`);
 * a commit that throws forgets everything.
 */
export class UserClockCache {
  private readonly clocks = new Map<string, UserClock>();
  private marks: WriteMarks = { data: -1, changes: -1 };
  private readonly dataVersion;
  private readonly totalChanges;

  constructor(
    private readonly db: Database,
    /** Past this many users the cache starts over rather than grow without end. */
    private readonly maxEntries = 100_000,
  ) {
    this.dataVersion = db.prepare('PRAGMA data_version').pluck();
    this.totalChanges = db.prepare('SELECT total_changes()').pluck();
  }

  /** In the commit's transaction, before its first write. */
  open(): void {
    const now = this.now();
    if (now.data !== this.marks.data || now.changes !== this.marks.changes) this.clocks.clear();
  }

  get(uid: string): UserClock | undefined {
    return this.clocks.get(uid);
  }

  /** In the commit's transaction, after its last write. */
  now(): WriteMarks {
    return { data: this.dataVersion.get() as number, changes: this.totalChanges.get() as number };
  }

  /**
   * After the transaction committed: the clocks it wrote, and the marks it ended at. Inside an outer
   * transaction nothing has committed yet, so nothing is kept.
   */
  keep(written: ReadonlyMap<string, UserClock>, marks: WriteMarks): void {
    if (this.db.inTransaction) {
      this.forgetAll();
      return;
    }
    if (this.clocks.size + written.size > this.maxEntries) this.clocks.clear();
    for (const [uid, clock] of written) this.clocks.set(uid, clock);
    this.marks = marks;
  }

  /**
   * Runs `write`, a transaction of this connection that may move `uid`'s clock. If nothing else had
   * written since the last commit, `uid` alone is forgotten and the marks move past this write, so
   * the other users' clocks stay trusted; otherwise, or if it throws, everything is forgotten.
   */
  wrote<T>(uid: string, write: () => T): T {
    const before = this.totalChanges.get() as number;
    let result: T;
    try {
      result = write();
    } catch (err) {
      this.forgetAll();
      throw err;
    }
    if (before !== this.marks.changes || this.db.inTransaction) this.forgetAll();
    else {
      this.clocks.delete(uid);
      this.marks = { data: this.marks.data, changes: this.totalChanges.get() as number };
    }
    return result;
  }

  forget(uid: string): void {
    this.clocks.delete(uid);
  }

  forgetAll(): void {
    this.clocks.clear();
    this.marks = { data: -1, changes: -1 };
  }
}

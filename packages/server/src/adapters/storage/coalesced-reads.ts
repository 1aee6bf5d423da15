/**
 * Many callers, one read: keys asked for during one event-loop turn are read together by
 * `readMany` on the next turn. Every caller's read starts after its call, so it sees everything
 * committed before it asked (read-your-writes holds); it only waits for the others asked in the
 * same turn. Used for the permission check of every send: on PostgreSQL one statement over
 * arrays instead of one round trip per send (which held its 1:1 send path to a few thousand messages
 * a second), for 1:1 and for group sends; on SQLite, for 1:1 sends only, one read transaction
 * instead of one implicit transaction (a WAL snapshot) per send.
 */
export class CoalescedReads<K, V> {
  private pending: Array<{ key: K; resolve: (v: V) => void; reject: (e: unknown) => void }> = [];

  constructor(
    /** Answers, in order, one value per key. */
    private readonly readMany: (keys: readonly K[]) => Promise<readonly V[]>,
    private readonly maxKeys = 5000,
  ) {}

  read(key: K): Promise<V> {
    return new Promise((resolve, reject) => {
      if (!this.pending.length) setImmediate(() => this.flush());
      this.pending.push({ key, resolve, reject });
    });
  }

  private flush(): void {
    const all = this.pending;
    this.pending = [];
    for (let at = 0; at < all.length; at += this.maxKeys) {
      const part = all.slice(at, at + this.maxKeys);
      this.readMany(part.map((p) => p.key)).then(
        (values) => {
          part.forEach((p, i) => {
            if (i < values.length) p.resolve(values[i] as V);
            else p.reject(new Error('coalesced read answered fewer values than keys'));
          });
        },
        (error: unknown) => {
          for (const p of part) p.reject(error);
        },
      );
    }
  }
}

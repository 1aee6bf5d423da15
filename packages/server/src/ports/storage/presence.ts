/**
 * What presence keeps beyond connections (which live in memory only): when each user was last seen
 * and whether they hide their presence. Both are columns of the user; an unknown uid has neither.
 */
export interface PresenceStore {
  /** The last-seen time (ms) of those of `uids` that have one; others are absent. */
  lastSeen(uids: readonly string[]): Promise<Map<string, number>>;
  /**
   * Records that the user's last device left at `at`. Never moves the time back: nodes may report
   * the same departure late or twice, and the latest wins. An unknown uid writes nothing.
   */
  setLastSeen(uid: string, at: number): Promise<void>;
  /** Those of `uids` who hide their presence. */
  hidden(uids: readonly string[]): Promise<Set<string>>;
  /** Sets the flag; false when the uid is unknown (nothing written). */
  setHidden(uid: string, hidden: boolean): Promise<boolean>;
}

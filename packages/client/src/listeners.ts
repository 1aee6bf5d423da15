/**
 * Listeners registered under a key and removed by that key, as in the WuKongIM SDK
 * (`addOnNewMsgListener('chat', fn)` / `removeNewMsgListener('chat')`).
 */
export class KeyedListeners<T extends unknown[]> {
  private readonly byKey = new Map<string, (...args: T) => void>();

  add(key: string, listener: (...args: T) => void): void {
    this.byKey.set(key, listener);
  }

  remove(key: string): void {
    this.byKey.delete(key);
  }

  /** How many listeners there are: with none, an event is heard by nobody. */
  get size(): number {
    return this.byKey.size;
  }

  emit(...args: T): void {
    for (const listener of this.byKey.values()) {
      try {
        listener(...args);
      } catch (err) {
        // A listener's bug must not stop the others or the SDK.
        console.error('parley: listener failed', err);
      }
    }
  }
}

/** A store's "something changed", in the shape `useSyncExternalStore` takes (the snapshot is a version number). */
export class ChangeSignal {
  private readonly listeners = new Set<() => void>();
  private version = 0;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = (): number => this.version;

  protected changed(): void {
    this.version++;
    for (const l of this.listeners) l();
  }
}

/**
 * Keeps one sender's sends in the order they arrived up to the point they are queued for commit,
 * even when their permission checks (database reads) finish out of order. Only that step is
 * serialized per sender; commits of many senders still share one batch.
 */
export class SenderLanes {
  private readonly tails = new Map<string, Promise<unknown>>();

  /**
   * `check` starts at once, side by side with the sender's earlier checks; `step` gets its result
   * and runs like `run`'s steps, after every earlier step of the sender, in arrival order. A
   * sender with many sends in flight then waits for one round of checks (one coalesced read on
   * PostgreSQL), not for one read per send in turn, which bounded each sender to one send per
   * database round trip. Only for checks that do not depend on the sender's earlier sends.
   */
  pipeline<C, T>(sender: string, check: () => Promise<C>, step: (checked: C) => Promise<T>): Promise<T> {
    const checked = check();
    // Handled here too, so that a check failing while earlier steps still run is not reported
    // as an unhandled rejection; the step below still receives the failure.
    checked.catch(() => {});
    return this.run(sender, async () => step(await checked));
  }

  run<T>(sender: string, step: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(sender);
    const result = previous ? previous.then(step, step) : step();
    const tail = result.catch(() => {});
    this.tails.set(sender, tail);
    void tail.then(() => {
      if (this.tails.get(sender) === tail) this.tails.delete(sender);
    });
    return result;
  }
}

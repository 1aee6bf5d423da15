/**
 * Keeps one sender's sends in the order they arrived up to the point they are queued for commit,
 * even when their permission checks (database reads) finish out of order. Only the checking
 * step is serialized per sender; commits of many senders still share one batch.
 */
export class SenderLanes {
  private readonly tails = new Map<string, Promise<unknown>>();

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

/** A sender with steps queued or running: the tail their next step waits for, and how many there are. */
interface Lane {
  tail: Promise<void>;
  steps: number;
  /** Settles one step; the last one forgets the lane. Made once per lane, not per step. */
  done: () => void;
}

const ignore = (): void => {};

/**
 * Keeps one sender's sends in the order they arrived up to the point they are queued for commit,
 * even when their permission checks (database reads) finish out of order. Only that step is
 * serialized per sender; commits of many senders still share one batch.
 *
 * Every send passes here, so a step costs as few promises as it can: the lane counts its steps
 * instead of chaining a clean-up per step, and shares one settle callback for all of them.
 */
export class SenderLanes {
  /** Each sender with steps in flight, by uid: their lane, whose tail their next step waits for. */
  private readonly tails = new Map<string, Lane>();

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
    checked.catch(ignore);
    return this.run(sender, () => checked.then(step));
  }

  run<T>(sender: string, step: () => Promise<T>): Promise<T> {
    const lane = this.tails.get(sender);
    const result = lane ? lane.tail.then(step) : step();
    const current = lane ?? this.open(sender);
    current.steps++;
    // The tail never rejects: a step's failure is its own caller's, and the next step still runs.
    current.tail = result.then(current.done, current.done);
    return result;
  }

  private open(sender: string): Lane {
    const lane: Lane = {
      tail: Promise.resolve(),
      steps: 0,
      done: () => {
        if (--lane.steps === 0) this.tails.delete(sender);
      },
    };
    this.tails.set(sender, lane);
    return lane;
  }
}

import { describe, expect, it } from 'vitest';
import { SenderLanes } from './sender-lanes.js';

/** A promise the test settles by hand, so the order of completion is the test's choice, not the clock's. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every already-settled promise run its callbacks. */
const drain = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('SenderLanes', () => {
  it("runs one sender's steps one at a time, in the order they came, even when the first is the slowest", async () => {
    const lanes = new SenderLanes();
    const log: string[] = [];
    const first = deferred();
    const second = deferred();
    const a = lanes.run('alice', async () => {
      log.push('start 1');
      await first.promise;
      log.push('end 1');
      return 1;
    });
    const b = lanes.run('alice', async () => {
      log.push('start 2');
      await second.promise;
      log.push('end 2');
      return 2;
    });
    await drain();
    expect(log).toEqual(['start 1']);
    second.resolve(); // the second check is done early: it still waits its turn
    await drain();
    expect(log).toEqual(['start 1']);
    first.resolve();
    expect(await Promise.all([a, b])).toEqual([1, 2]);
    expect(log).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
  });

  it('lets different senders run side by side', async () => {
    const lanes = new SenderLanes();
    const slow = deferred();
    const started: string[] = [];
    const alice = lanes.run('alice', async () => {
      started.push('alice');
      await slow.promise;
    });
    const bob = lanes.run('bob', async () => {
      started.push('bob');
    });
    await bob;
    expect(started).toEqual(['alice', 'bob']);
    slow.resolve();
    await alice;
  });

  it('hands a failure to its own caller only; the next step of the sender still runs', async () => {
    const lanes = new SenderLanes();
    const gate = deferred();
    const failing = lanes.run('alice', async () => {
      await gate.promise;
      throw new Error('refused');
    });
    const next = lanes.run('alice', async () => 'sent');
    gate.resolve();
    await expect(failing).rejects.toThrow('refused');
    await expect(next).resolves.toBe('sent');
  });

  it('forgets a sender once their last step is done, so idle senders cost nothing', async () => {
    const lanes = new SenderLanes();
    // biome-ignore lint/complexity/useLiteralKeys: a private field, read only to see that nothing is left behind
    const tails = lanes['tails'];
    const gate = deferred();
    const pending = lanes.run('alice', () => gate.promise);
    expect(tails.has('alice')).toBe(true);
    gate.resolve();
    await pending;
    await drain();
    expect(tails.size).toBe(0);
  });

  it("keeps a sender's lane while any of their steps is still to come, failed ones included, and a step that comes after it has been forgotten runs at once", async () => {
    const lanes = new SenderLanes();
    // biome-ignore lint/complexity/useLiteralKeys: a private field, read only to see what is left behind
    const tails = lanes['tails'];
    const gates = [deferred(), deferred(), deferred()];
    const order: string[] = [];
    const steps = gates.map((gate, i) =>
      lanes.run('alice', async () => {
        await gate.promise;
        order.push(`step ${i}`);
        if (i === 0) throw new Error('refused');
      }),
    );
    gates[0]?.resolve();
    await expect(steps[0]).rejects.toThrow('refused');
    await drain();
    expect(tails.has('alice')).toBe(true);
    gates[1]?.resolve();
    await steps[1];
    await drain();
    // The third step is still to come: a fourth must still wait for it.
    const fourth = lanes.run('alice', async () => {
      order.push('step 3');
    });
    await drain();
    expect(order).toEqual(['step 0', 'step 1']);
    gates[2]?.resolve();
    await Promise.all([steps[2], fourth]);
    await drain();
    expect(order).toEqual(['step 0', 'step 1', 'step 2', 'step 3']);
    expect(tails.size).toBe(0);
    await lanes.run('alice', async () => {
      order.push('step 4');
    });
    expect(order.at(-1)).toBe('step 4');
    await drain();
    expect(tails.size).toBe(0);
  });

  describe('pipeline', () => {
    it("starts a sender's checks side by side, and runs their steps in arrival order", async () => {
      const lanes = new SenderLanes();
      const log: string[] = [];
      const checks = [deferred<number>(), deferred<number>()];
      const results = checks.map((c, i) =>
        lanes.pipeline(
          'alice',
          () => {
            log.push(`check ${i + 1}`);
            return c.promise;
          },
          async (n) => {
            log.push(`step ${n}`);
            return n;
          },
        ),
      );
      expect(log).toEqual(['check 1', 'check 2']); // both checks started before either ended
      checks[1]?.resolve(2); // the second check ends first: its step still waits for the first's
      await drain();
      expect(log).toEqual(['check 1', 'check 2']);
      checks[0]?.resolve(1);
      expect(await Promise.all(results)).toEqual([1, 2]);
      expect(log).toEqual(['check 1', 'check 2', 'step 1', 'step 2']);
    });

    it('hands a failed check to its own caller, in turn, without an unhandled rejection, and goes on', async () => {
      const lanes = new SenderLanes();
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      try {
        const gate = deferred();
        const first = lanes.run('alice', () => gate.promise);
        const failing = lanes.pipeline(
          'alice',
          () => Promise.reject(new Error('no such channel')),
          async () => 'never',
        );
        const next = lanes.pipeline(
          'alice',
          async () => 'ok',
          async (v) => v,
        );
        await drain();
        gate.resolve();
        await first;
        await expect(failing).rejects.toThrow('no such channel');
        await expect(next).resolves.toBe('ok');
        await drain();
        expect(unhandled).toEqual([]);
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
    });
  });
});

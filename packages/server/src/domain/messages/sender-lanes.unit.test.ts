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
});

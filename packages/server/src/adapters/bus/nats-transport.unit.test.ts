import { describe, expect, it, vi } from 'vitest';
import type { BrokerEvents } from './broker-bus.js';
import { NatsTransport } from './nats.js';

/**
 * A hand-written fake of the NATS connection (the real one needs a server): status events are pushed
 * by the test, publishes recorded. The bus contract suite runs the real client against a real server.
 */
function fakeConnection() {
  const pending: Array<{ type: string }> = [];
  let wake: (() => void) | undefined;
  const published: string[] = [];
  const nc = {
    publish: (subject: string) => {
      published.push(subject);
    },
    subscribe: () => ({ unsubscribe: () => {} }),
    flush: async () => {},
    drain: async () => {},
    close: async () => {},
    status: () => ({
      async *[Symbol.asyncIterator]() {
        for (;;) {
          while (pending.length) yield pending.shift() as { type: string };
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        }
      },
    }),
  };
  return {
    nc,
    published,
    emit: async (type: string) => {
      pending.push({ type });
      wake?.();
      // Let the transport's status loop take it (and its flush resolve).
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    },
  };
}

const events = (): BrokerEvents => ({ received: vi.fn(), reconnected: vi.fn(), connectedChanged: vi.fn() });

describe('NATS transport', () => {
  it('drops publishes while disconnected instead of letting the client buffer them without bound', async () => {
    const { nc, published, emit } = fakeConnection();
    const ev = events();
    const transport = new NatsTransport(nc as never, ev);
    transport.send('parley.user.a', 'before');
    await emit('disconnect');
    expect(ev.connectedChanged).toHaveBeenLastCalledWith(false);
    for (let i = 0; i < 100; i++) transport.send('parley.user.a', `during ${i}`);
    await emit('reconnecting');
    await emit('reconnect');
    expect(ev.connectedChanged).toHaveBeenLastCalledWith(true);
    expect(ev.reconnected).toHaveBeenCalledOnce();
    transport.send('parley.user.a', 'after');
    expect(published).toHaveLength(2);
  });
});

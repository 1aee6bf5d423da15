import { describeBroker, PrivateBroker } from '@parley/test-kit/brokers';
import { describe, expect, it } from 'vitest';
import { runBusContract } from './bus.contract.js';
import { MemoryBus, MemoryHub } from './memory.js';
import { openNatsBus } from './nats.js';
import { openRedisBus } from './redis.js';

describe('bus contract: in process', () => {
  runBusContract(async () => {
    const hub = new MemoryHub();
    return { node: async () => hub.bus(), close: async () => {} };
  });
});

for (const [kind, open] of [
  ['redis', openRedisBus],
  ['nats', openNatsBus],
] as const) {
  describeBroker(kind, `bus contract: ${kind}`, () => {
    runBusContract(async () => {
      const broker = await PrivateBroker.start(kind);
      return {
        node: () => open(broker.url, 'parley-test'),
        restartBroker: async (whileDown) => {
          await broker.kill();
          await whileDown?.();
          await broker.up();
        },
        close: () => broker.stop(),
      };
    });
  });
}

describe('a lone in-process bus (one node, the default)', () => {
  it('hands its own publishes to its handler, for the topics it holds', () => {
    const bus = new MemoryBus();
    const got: string[] = [];
    bus.onMessage((topic, message) => got.push(`${topic}:${message.kind === 'control' ? message.event : message.frame}`));
    bus.subscribe('user.solo');
    bus.publish('user.solo', { kind: 'push', frame: 'hi' });
    bus.publish('user.other', { kind: 'push', frame: 'not held' });
    expect(got).toEqual(['user.solo:hi']);
  });
});

import { describeBroker, PrivateBroker } from '@parley/test-kit/brokers';
import { describe } from 'vitest';
import { runBusContract } from './bus.contract.js';
import { MemoryHub } from './memory.js';
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
        restartBroker: async () => {
          await broker.kill();
          await broker.up();
        },
        close: () => broker.stop(),
      };
    });
  });
}

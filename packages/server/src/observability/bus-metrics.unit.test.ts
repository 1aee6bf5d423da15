import { describe, expect, it } from 'vitest';
import { MemoryBus } from '../adapters/bus/memory.js';
import type { BusStatus } from '../ports/bus.js';
import { instrumentBus } from './bus-metrics.js';
import { createMetrics } from './metrics.js';

/** The in-process bus, with a broker connection the test can lose and get back. */
class FlakyBus extends MemoryBus {
  connected = true;
  override status(): BusStatus {
    return { ...super.status(), connected: this.connected };
  }
}

const gauge = async (metrics: ReturnType<typeof createMetrics>) =>
  /^parley_bus_connected (\d)/m.exec(await metrics.registry.metrics())?.[1];

describe('bus metrics', () => {
  it('parley_bus_connected follows the bus at every scrape, with nobody asking the bus in between', async () => {
    const metrics = createMetrics();
    const bus = new FlakyBus();
    instrumentBus(bus, metrics);
    expect(await gauge(metrics)).toBe('1');
    bus.connected = false;
    expect(await gauge(metrics)).toBe('0');
    bus.connected = true;
    expect(await gauge(metrics)).toBe('1');
  });
});

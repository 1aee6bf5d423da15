import type { Bus, BusHandler, BusMessage, BusStatus } from '../../ports/bus.js';

/**
 * Nodes in one process: what one bus publishes reaches every bus of the same hub subscribed to the
 * topic, synchronously. The server alone uses a hub of its own; tests put several nodes on one hub.
 */
export class MemoryHub {
  private readonly buses = new Set<MemoryBus>();

  bus(): MemoryBus {
    return new MemoryBus(this);
  }

  /** @internal */
  add(bus: MemoryBus): void {
    this.buses.add(bus);
  }

  /** @internal */
  deliver(topic: string, message: BusMessage): void {
    for (const bus of this.buses) bus.receive(topic, message);
  }

  /** @internal */
  remove(bus: MemoryBus): void {
    this.buses.delete(bus);
  }
}

export class MemoryBus implements Bus {
  private readonly topics = new Set<string>();
  private handler: BusHandler | undefined;

  constructor(private readonly hub: MemoryHub = new MemoryHub()) {
    hub.add(this);
  }

  publish(topic: string, message: BusMessage): void {
    this.hub.deliver(topic, message);
  }

  subscribe(topic: string): Promise<void> {
    this.topics.add(topic);
    return Promise.resolve();
  }

  unsubscribe(topic: string): void {
    this.topics.delete(topic);
  }

  onMessage(handler: BusHandler): void {
    this.handler = handler;
  }

  onGap(_handler: () => void): void {
    // Nothing between nodes in one process can be lost.
  }

  status(): BusStatus {
    return { kind: 'memory', connected: true, reconnects: 0 };
  }

  /** @internal */
  receive(topic: string, message: BusMessage): void {
    if (this.handler && this.topics.has(topic)) this.handler(topic, message);
  }

  async close(): Promise<void> {
    this.topics.clear();
    this.hub.remove(this);
  }
}

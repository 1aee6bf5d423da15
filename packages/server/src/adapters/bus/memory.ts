import type { Bus, BusHandler, BusMessage } from '../../ports/bus.js';

/** The single-node bus: a publish reaches this process's handler synchronously, if subscribed. */
export class MemoryBus implements Bus {
  private readonly topics = new Set<string>();
  private handler: BusHandler | undefined;

  publish(topic: string, message: BusMessage): void {
    if (this.handler && this.topics.has(topic)) this.handler(topic, message);
  }

  subscribe(topic: string): void {
    this.topics.add(topic);
  }

  unsubscribe(topic: string): void {
    this.topics.delete(topic);
  }

  onMessage(handler: BusHandler): void {
    this.handler = handler;
  }

  async close(): Promise<void> {
    this.topics.clear();
  }
}

import { randomBytes } from 'node:crypto';
import type { Bus, BusHandler, BusMessage, BusStatus } from '../../ports/bus.js';
import { decode, encode } from './envelope.js';

/** What a broker adapter provides: it only publishes and receives text (Socket.IO's cluster adapter model). */
export interface BrokerTransport {
  readonly kind: string;
  /** Fire and forget; a failure while the broker is away loses the message (the bus is at most once). */
  send(channel: string, text: string): void;
  /** Resolves once the broker has the subscription (or, with the broker away, once it is back); never rejects. */
  listen(channel: string): Promise<void>;
  unlisten(channel: string): void;
  close(): Promise<void>;
}

export interface BrokerEvents {
  /** A text arrived on a channel this node listens to. */
  received(channel: string, text: string): void;
  /** The broker was lost and is back, with every channel listened to again. */
  reconnected(): void;
  connectedChanged(connected: boolean): void;
}

/**
 * The cluster half of a networked bus, written once for every broker: topic names, the envelope,
 * delivering to this node at once (its own publishes do not wait for the round trip through the
 * broker, and their echo is dropped), and the gap signal after a reconnect.
 */
export class BrokerBus implements Bus {
  private readonly node = randomBytes(6).toString('base64url');
  /** Topics held, each with its subscription's confirmation. */
  private readonly topics = new Map<string, Promise<void>>();
  private readonly gapHandlers: Array<() => void> = [];
  private handler: BusHandler | undefined;
  private transport!: BrokerTransport;
  private connected = true;
  private reconnects = 0;

  constructor(private readonly channelOf: (topic: string) => string) {}

  /** Events for the transport to call; pass them to it, then `attach` it. */
  readonly events: BrokerEvents = {
    received: (channel, text) => this.received(channel, text),
    reconnected: () => {
      this.reconnects++;
      for (const handler of this.gapHandlers) handler();
    },
    connectedChanged: (connected) => {
      this.connected = connected;
    },
  };

  private readonly topicOfChannel = new Map<string, string>();

  attach(transport: BrokerTransport): this {
    this.transport = transport;
    return this;
  }

  publish(topic: string, message: BusMessage): void {
    if (this.handler && this.topics.has(topic)) this.handler(topic, message);
    this.transport.send(this.channelOf(topic), encode(this.node, message));
  }

  subscribe(topic: string): Promise<void> {
    const held = this.topics.get(topic);
    if (held) return held;
    const channel = this.channelOf(topic);
    this.topicOfChannel.set(channel, topic);
    const confirmed = this.transport.listen(channel);
    this.topics.set(topic, confirmed);
    return confirmed;
  }

  unsubscribe(topic: string): void {
    if (!this.topics.delete(topic)) return;
    const channel = this.channelOf(topic);
    this.topicOfChannel.delete(channel);
    this.transport.unlisten(channel);
  }

  onMessage(handler: BusHandler): void {
    this.handler = handler;
  }

  onGap(handler: () => void): void {
    this.gapHandlers.push(handler);
  }

  status(): BusStatus {
    return { kind: this.transport.kind, connected: this.connected, reconnects: this.reconnects };
  }

  async close(): Promise<void> {
    this.topics.clear();
    this.topicOfChannel.clear();
    await this.transport.close();
  }

  private received(channel: string, text: string): void {
    // A channel left a moment ago may still deliver what was in flight: the contract says nothing after unsubscribe.
    const topic = this.topicOfChannel.get(channel);
    if (topic === undefined || !this.handler) return;
    const decoded = decode(text);
    if (!decoded || decoded.node === this.node) return;
    this.handler(topic, decoded.message);
  }
}

import type { NatsConnection, Subscription } from 'nats';
import { BrokerBus, type BrokerEvents, type BrokerTransport } from './broker-bus.js';
import { BusUnavailableError, redactUrl } from './bus-url.js';

/**
 * NATS subjects are dot-separated tokens and `*` / `>` are wildcards, while uids and group ids may
 * hold dots: the topic becomes one token, its special characters percent-escaped.
 */
const subjectOf = (prefix: string) => (topic: string) =>
  `${prefix}.${topic.replace(/[%.*>\s]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}`;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The bus over NATS core pub/sub (`nats`, an optional dependency loaded only when used). NATS keeps
 * the order of one connection's publishes per subject. The client reconnects forever and sends its
 * subscriptions again; a round trip to the server confirms them before the gap is reported.
 */
export async function openNatsBus(url: string, prefix: string): Promise<BrokerBus> {
  const { connect } = await import('nats');
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: url,
      name: 'parley',
      timeout: 5000,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      pingInterval: 10_000,
    });
  } catch (err) {
    throw new BusUnavailableError(`cannot reach the bus at ${redactUrl(url)}: ${(err as Error).message}`);
  }
  const bus = new BrokerBus(subjectOf(prefix));
  return bus.attach(new NatsTransport(nc, bus.events));
}

/** @internal Exported for its unit test. */
export class NatsTransport implements BrokerTransport {
  readonly kind = 'nats';
  private readonly subscriptions = new Map<string, Subscription>();
  private connected = true;

  constructor(
    private readonly nc: Pick<NatsConnection, 'publish' | 'subscribe' | 'status' | 'flush' | 'drain' | 'close'>,
    private readonly events: BrokerEvents,
  ) {
    void this.watch();
  }

  send(channel: string, text: string): void {
    // While disconnected, the NATS client would keep every publish in a buffer without bound and send
    // them all on reconnect: a node's memory would grow for as long as the outage lasts, and a burst of
    // stale pushes would follow the resync. The bus is at most once: drop them instead.
    if (!this.connected) return;
    try {
      this.nc.publish(channel, encoder.encode(text));
    } catch {
      // Closed: at most once.
    }
  }

  listen(channel: string): Promise<void> {
    const sub = this.nc.subscribe(channel, {
      callback: (err, msg) => {
        if (!err) this.events.received(channel, decoder.decode(msg.data));
      },
    });
    this.subscriptions.set(channel, sub);
    // A PING after the SUB: its PONG says the server has the subscription.
    return this.nc.flush().catch(() => {});
  }

  unlisten(channel: string): void {
    this.subscriptions.get(channel)?.unsubscribe();
    this.subscriptions.delete(channel);
  }

  async close(): Promise<void> {
    this.subscriptions.clear();
    await this.nc.drain().catch(() => this.nc.close());
  }

  private async watch(): Promise<void> {
    for await (const s of this.nc.status()) {
      if (s.type === 'disconnect') {
        this.connected = false;
        this.events.connectedChanged(false);
      }
      if (s.type === 'reconnect') {
        this.connected = true;
        // The SUBs went out with the reconnect; a flushed PING proves the server has them.
        await this.nc.flush().catch(() => {});
        this.events.connectedChanged(true);
        this.events.reconnected();
      }
    }
  }
}

import type { Redis as RedisClient, RedisOptions } from 'ioredis';
import { BrokerBus, type BrokerEvents, type BrokerTransport } from './broker-bus.js';
import { BusUnavailableError, redactUrl } from './bus-url.js';

/** Redis channels: `<prefix>:<topic>`; Redis takes any bytes in a channel name. */
const channelOf = (prefix: string) => (topic: string) => `${prefix}:${topic}`;

/**
 * The bus over Redis pub/sub (`ioredis`, an optional dependency loaded only when used): one
 * connection publishes, one listens. Redis keeps per-connection order, so one node's publishes on a
 * topic arrive in order. Publishes made while Redis is away are dropped rather than queued without
 * bound; after a reconnect every channel is subscribed again before the gap is reported.
 */
export async function openRedisBus(url: string, prefix: string): Promise<BrokerBus> {
  const { Redis } = await import('ioredis');
  await probe(Redis, url);
  const bus = new BrokerBus(channelOf(prefix));
  return bus.attach(new RedisTransport(Redis, url, bus.events));
}

async function probe(Redis: typeof RedisClient, url: string): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 5000 });
  // ioredis rejects with "Connection is closed."; the socket's own error (ECONNREFUSED...) says why.
  let cause: Error | undefined;
  client.on('error', (err: Error) => {
    cause ??= err;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    throw new BusUnavailableError(`cannot reach the bus at ${redactUrl(url)}: ${(cause ?? (err as Error)).message}`);
  } finally {
    client.disconnect();
  }
}

class RedisTransport implements BrokerTransport {
  readonly kind = 'redis';
  private readonly pub: RedisClient;
  private readonly sub: RedisClient;
  private readonly channels = new Set<string>();
  private lost = false;

  constructor(
    Redis: typeof RedisClient,
    url: string,
    private readonly events: BrokerEvents,
  ) {
    const common: RedisOptions = { retryStrategy: (times) => Math.min(100 * times, 2000), maxRetriesPerRequest: null };
    this.pub = new Redis(url, { ...common, enableOfflineQueue: false });
    // Subscriptions are restored here, before the gap is reported, not by ioredis on its own schedule.
    this.sub = new Redis(url, { ...common, autoResubscribe: false, enableOfflineQueue: true });
    for (const client of [this.pub, this.sub]) {
      // ioredis reports each failed attempt as an error; the retry strategy handles them.
      client.on('error', () => {});
      client.on('close', () => this.down());
      client.on('ready', () => void this.up());
    }
    this.sub.on('message', (channel: string, text: string) => this.events.received(channel, text));
  }

  send(channel: string, text: string): void {
    this.pub.publish(channel, text).catch(() => {});
  }

  listen(channel: string): Promise<void> {
    this.channels.add(channel);
    // Redis answers SUBSCRIBE once the channel is in force; a failure is repaired by the reconnect.
    return this.sub.subscribe(channel).then(
      () => {},
      () => {},
    );
  }

  unlisten(channel: string): void {
    this.channels.delete(channel);
    this.sub.unsubscribe(channel).catch(() => {});
  }

  async close(): Promise<void> {
    this.channels.clear();
    await Promise.allSettled([this.pub.quit(), this.sub.quit()]);
  }

  private down(): void {
    this.lost = true;
    this.events.connectedChanged(false);
  }

  private async up(): Promise<void> {
    if (this.pub.status !== 'ready' || this.sub.status !== 'ready' || !this.lost) return;
    this.lost = false;
    if (this.channels.size > 0) await this.sub.subscribe(...this.channels).catch(() => {});
    this.events.connectedChanged(true);
    this.events.reconnected();
  }
}

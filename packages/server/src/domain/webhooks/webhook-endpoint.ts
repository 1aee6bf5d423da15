import type { WebhookOutboxStore } from '../../ports/storage/index.js';

/** Where the URL in force comes from: the admin API (stored, every node reads it), PARLEY_WEBHOOK_URL, or nowhere. */
export type EndpointSource = 'admin' | 'environment' | 'none';

/** How this node hears that another node changed the URL (the delivery router's cluster broadcast). */
export interface ClusterNotices {
  broadcast(event: string, data: unknown): void;
  onBroadcast(event: string, handler: (data: unknown) => void): void;
}

const CHANGED = 'webhook.endpoint_changed';

/**
 * The webhook's URL as this node knows it. The admin API's setting is stored (so every node and every
 * restart sees it) and overrides PARLEY_WEBHOOK_URL; an empty one turns webhooks off whatever the
 * environment says. A change is broadcast to the other nodes, which read it again at once; each
 * node also reads it again on its own every few seconds (`refresh`), in case a broadcast was lost.
 *
 * While there is no URL, no event is written (nothing on the send path) and nothing is delivered.
 */
export class WebhookEndpoint {
  private stored: string | undefined;
  private changed: () => void = () => {};

  constructor(
    private readonly store: WebhookOutboxStore,
    private readonly environmentUrl: string | undefined,
    private readonly cluster?: ClusterNotices,
  ) {
    cluster?.onBroadcast(CHANGED, () => void this.refresh().catch(() => {}));
  }

  /**
   * Called once this node knows of a change, made here or on another node: the delivery worker keeps
   * an endpoint of its own (its own connection) and is told to read it again at once.
   */
  onChange(listener: () => void): void {
    this.changed = listener;
  }

  private timer: NodeJS.Timeout | undefined;

  /**
   * Reads the setting again every `ms`, in case a change's broadcast was lost: whether this node
   * writes events at all follows it. (The delivery loop did this while it ran on the main thread.)
   */
  watch(ms: number): void {
    this.timer ??= setInterval(() => void this.refresh().catch(() => {}), ms).unref();
  }

  unwatch(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The URL events are posted to, or undefined: webhooks are off. */
  get url(): string | undefined {
    const url = this.stored ?? this.environmentUrl;
    return url ? url : undefined;
  }

  get source(): EndpointSource {
    if (this.stored !== undefined) return this.stored ? 'admin' : 'none';
    return this.environmentUrl ? 'environment' : 'none';
  }

  /** Reads the admin API's setting again (and tells the listener if it changed). */
  async refresh(): Promise<void> {
    const before = this.stored;
    this.stored = await this.store.endpoint();
    if (this.stored !== before) this.changed();
  }

  /** Sets the URL ('' turns webhooks off), or with undefined goes back to PARLEY_WEBHOOK_URL; every node follows. */
  async set(url: string | undefined, now: number): Promise<void> {
    await this.store.setEndpoint(url, now);
    this.stored = url;
    this.changed();
    this.cluster?.broadcast(CHANGED, {});
  }
}

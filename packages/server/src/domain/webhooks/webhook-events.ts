import type { EventsOf, OutboxEvent } from '../../ports/storage/index.js';
import type { MessageIdGenerator } from '../messages/message-id.js';
import type { WebhookEndpoint } from './webhook-endpoint.js';

/** A channel's events share an order key: delivered in the order they were written. */
export const channelOrderKey = (channelType: number, channelId: string): string => `${channelType}|${channelId}`;
/** A user's own events (online, offline) share one too; no channel key has a colon. */
export const userOrderKey = (uid: string): string => `user:${uid}`;

/**
 * Makes the outbox events of the documented types (docs/webhooks.md), each with a fresh id, and the
 * `events` a storage write takes (EventsOf). While webhooks are off (no URL) `sink` gives undefined,
 * so writes report nothing and the send path does no webhook work at all. Every event made wakes
 * the dispatcher (`onEvent`) instead of leaving it to its next poll.
 */
export class WebhookEvents {
  private wake: () => void = () => {};

  constructor(
    private readonly endpoint: WebhookEndpoint,
    private readonly ids: MessageIdGenerator,
    private readonly clock: () => number,
  ) {}

  /** Events are being written: a URL is set. */
  get enabled(): boolean {
    return this.endpoint.url !== undefined;
  }

  /** Called (at most once per event-loop turn) after events were made. */
  onEvent(wake: () => void): void {
    this.wake = wake;
  }

  /** One event; `data` is an object to serialize, or JSON text serialized already. */
  event(type: string, orderKey: string, data: object | string): OutboxEvent {
    this.scheduleWake();
    return {
      id: this.ids.next(),
      type,
      orderKey,
      createdAt: this.clock(),
      dataJson: typeof data === 'string' ? data : JSON.stringify(data),
    };
  }

  /** The events of a write, or undefined while webhooks are off. */
  sink<R>(make: EventsOf<R>): EventsOf<R> | undefined {
    return this.enabled ? make : undefined;
  }

  private wakeScheduled = false;

  private scheduleWake(): void {
    if (this.wakeScheduled) return;
    this.wakeScheduled = true;
    // After the turn: the write that made the event has committed (or is about to) by then.
    setImmediate(() => {
      this.wakeScheduled = false;
      this.wake();
    });
  }
}

import type { Logger } from 'pino';
import type { OutboxEvent, WebhookOutboxStore } from '../../ports/storage/index.js';
import type { OnlineCheck } from '../delivery/online-check.js';
import { userOrderKey, type WebhookEvents } from './webhook-events.js';

/**
 * `user.online` (a user's first device in) and `user.offline` (their last one out). Nothing stored
 * reports them, so they are appended on their own: the changes of one event-loop turn in one write,
 * after the connections that made them, so that a reconnect storm costs a transaction per turn,
 * not one per socket. A crash loses at most the current turn's.
 */
export class PresenceWebhooks {
  private queued: OutboxEvent[] = [];
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly events: WebhookEvents,
    private readonly outbox: WebhookOutboxStore,
    online: OnlineCheck,
    private readonly log: Logger,
  ) {
    online.onChange((uid, isOnline) => this.changed(uid, isOnline));
  }

  /** Resolves once everything queued so far is written (shutdown, tests). */
  async flush(): Promise<void> {
    await this.flushing;
  }

  private changed(uid: string, isOnline: boolean): void {
    if (!this.events.enabled) return;
    const first = this.queued.length === 0;
    this.queued.push(this.events.event(isOnline ? 'user.online' : 'user.offline', userOrderKey(uid), { uid }));
    if (!first) return;
    // Chained: one write at a time, so one user's events keep their order.
    this.flushing = this.flushing.then(
      () =>
        new Promise<void>((resolve) => {
          setImmediate(() => {
            const batch = this.queued;
            this.queued = [];
            this.outbox.append(batch).then(resolve, (err: unknown) => {
              this.log.warn({ err, events: batch.length }, 'webhook: user online/offline events not written');
              resolve();
            });
          });
        }),
    );
  }
}

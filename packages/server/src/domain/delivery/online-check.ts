import type { DeliveryRouter } from './router.js';

/**
 * Who has a device online, as the webhooks need it: `message.offline` goes to recipients without one,
 * `user.online` / `user.offline` follow the first device in and the last one out.
 *
 * For now `LocalOnlineCheck` answers from this node's own connections, which is exact on a single
 * node; a cluster-wide presence (every node's connections) is to replace it behind this interface.
 */
export interface OnlineCheck {
  /** The uids among `uids` with at least one device online. */
  onlineUids(uids: readonly string[]): Promise<Set<string>>;
  /** Called when a user's first device comes online (true) and their last one leaves (false). */
  onChange(listener: (uid: string, online: boolean) => void): void;
}

/** This node's connections, as the delivery router holds them. */
export class LocalOnlineCheck implements OnlineCheck {
  constructor(private readonly router: DeliveryRouter) {}

  async onlineUids(uids: readonly string[]): Promise<Set<string>> {
    return new Set(uids.filter((uid) => this.router.localConnections(uid).size > 0));
  }

  onChange(listener: (uid: string, online: boolean) => void): void {
    this.router.onUserPresence(listener);
  }
}

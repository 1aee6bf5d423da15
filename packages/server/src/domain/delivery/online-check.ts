import type { DeliveryRouter } from './router.js';

/**
 * Who has a device online, as the webhooks need it: `message.offline` goes to recipients without one,
 * `user.online` / `user.offline` follow the first device in and the last one out.
 */
export interface OnlineCheck {
  /** The uids among `uids` with at least one device online. */
  onlineUids(uids: readonly string[]): Promise<Set<string>>;
  /** Called when a user's first device comes online (true) and their last one leaves (false). */
  onChange(listener: (uid: string, online: boolean) => void): void;
}

/** Who is connected anywhere in the cluster: the presence directory's copy on this node. */
export interface ConnectedAnywhere {
  isOnline(uid: string): boolean;
}

/**
 * `onlineUids` asks the cluster-wide presence directory (every node's devices, hidden users
 * included: they are connected, a push would only duplicate what their device shows), so a
 * recipient connected to another node is not offline. `onChange` follows this node's own
 * connections (the delivery router's): exact on one node; in a cluster each node reports the users
 * of its own connections, so a user on two nodes is reported online by each (docs/webhooks.md).
 */
export class NodeOnlineCheck implements OnlineCheck {
  constructor(
    private readonly router: DeliveryRouter,
    private readonly anywhere: ConnectedAnywhere,
  ) {}

  async onlineUids(uids: readonly string[]): Promise<Set<string>> {
    return new Set(uids.filter((uid) => this.anywhere.isOnline(uid)));
  }

  onChange(listener: (uid: string, online: boolean) => void): void {
    this.router.onUserPresence(listener);
  }
}

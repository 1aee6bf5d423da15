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

/** Who is connected anywhere in the cluster, and the changes the app's server hears of: the presence service. */
export interface ConnectedAnywhere {
  isOnline(uid: string): boolean;
}

export interface PresenceReports {
  onReport(listener: (uid: string, online: boolean) => void): void;
}

/**
 * `onlineUids` asks the cluster-wide presence directory (every node's devices, hidden users
 * included: they are connected, a push would only duplicate what their device shows), so a
 * recipient connected to another node is not offline. `onChange` follows presence as users see it
 * (after its grace period, so a reconnect is no change), each change reported by one node of the
 * cluster (`PresenceService.onReport`).
 */
export class NodeOnlineCheck implements OnlineCheck {
  constructor(
    private readonly anywhere: ConnectedAnywhere,
    private readonly reports: PresenceReports,
  ) {}

  async onlineUids(uids: readonly string[]): Promise<Set<string>> {
    return new Set(uids.filter((uid) => this.anywhere.isOnline(uid)));
  }

  onChange(listener: (uid: string, online: boolean) => void): void {
    this.reports.onReport(listener);
  }
}

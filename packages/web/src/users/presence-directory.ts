import type { ParleyClient } from '@parley/client';
import type { PresenceState } from '@parley/protocol';
import { ChangeSignal } from './change-signal';

/**
 * Who is online among the people whose 1:1 chats are on screen. A uid is followed once, when first
 * shown, for the rest of the session (the server allows 500 per connection; unfollowing what scrolls
 * away would save little). The SDK follows them again after a reconnect and reports their state then.
 */
export class PresenceDirectory extends ChangeSignal {
  private readonly states = new Map<string, PresenceState>();
  private readonly followed = new Set<string>();
  private pending: string[] = [];

  constructor(private readonly client: ParleyClient) {
    super();
  }

  /** Listens to the client until the returned function is called (an effect's setup and cleanup). */
  attach(): () => void {
    const changes = this.client.people.onPresenceChanged;
    changes.add('presence', (state) => this.set([state]));
    return () => changes.remove('presence');
  }

  state(uid: string): PresenceState | undefined {
    return this.states.get(uid);
  }

  follow(uid: string): void {
    if (this.followed.has(uid)) return;
    this.followed.add(uid);
    this.pending.push(uid);
    // The rows shown in one render are followed in one request.
    if (this.pending.length === 1) queueMicrotask(() => void this.flush());
  }

  private async flush(): Promise<void> {
    const uids = this.pending;
    this.pending = [];
    // Offline, the SDK still keeps them followed and reports their state after it connects.
    this.set(await this.client.people.follow(uids).catch(() => []));
  }

  private set(states: PresenceState[]): void {
    if (states.length === 0) return;
    for (const s of states) this.states.set(s.uid, s);
    this.changed();
  }
}

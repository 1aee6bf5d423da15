import type { ParleyClient } from '@parley/client';
import type { Profile } from '@parley/protocol';
import { ChangeSignal } from './change-signal';

/** The server answers at most this many uids per `user.profiles`. */
const BATCH = 100;

/**
 * Names and avatars of the people on screen. Each uid is asked for once, with the others first asked
 * in the same render (one `user.profiles` per 100); `user.updated` keeps them current. A uid the server
 * leaves out (not shared with you) is asked again after a message with them arrives, since a first
 * message is what makes a profile visible; one whose read failed (offline), after the next connect.
 */
export class ProfileDirectory extends ChangeSignal {
  private readonly known = new Map<string, Profile | 'loading' | 'hidden'>();
  private pending: string[] = [];

  constructor(private readonly client: ParleyClient) {
    super();
  }

  /** Listens to the client until the returned function is called (an effect's setup and cleanup). */
  attach(): () => void {
    const { people, messages, onStatus } = this.client;
    people.onUserUpdated.add('profiles', (profile) => this.set(profile));
    messages.onNewMessage.add('profiles', (m) => {
      for (const uid of m.channelType === 1 ? [m.fromUid, m.channelId] : [m.fromUid]) this.forgetHidden(uid);
    });
    onStatus.add('profiles', (status) => status === 'connected' && this.changed());
    return () => {
      people.onUserUpdated.remove('profiles');
      messages.onNewMessage.remove('profiles');
      onStatus.remove('profiles');
    };
  }

  /** The profile if known; otherwise undefined, and it is asked for. */
  get(uid: string): Profile | undefined {
    const entry = this.known.get(uid);
    if (entry === undefined) this.request(uid);
    return typeof entry === 'object' ? entry : undefined;
  }

  private set(profile: Profile): void {
    this.known.set(profile.uid, profile);
    this.changed();
  }

  private forgetHidden(uid: string): void {
    if (this.known.get(uid) !== 'hidden') return;
    this.known.delete(uid);
    this.changed();
  }

  private request(uid: string): void {
    this.known.set(uid, 'loading');
    this.pending.push(uid);
    // Every uid asked for during this render goes in one request.
    if (this.pending.length === 1) queueMicrotask(() => void this.flush());
  }

  private async flush(): Promise<void> {
    const uids = this.pending;
    this.pending = [];
    for (let i = 0; i < uids.length; i += BATCH) {
      const batch = uids.slice(i, i + BATCH);
      try {
        const found = await this.client.people.profiles(batch);
        for (const uid of batch) this.known.set(uid, 'hidden');
        for (const p of found) this.known.set(p.uid, p);
        this.changed();
      } catch {
        // Offline, say: forgotten, so the render after the next connect asks again.
        for (const uid of batch) this.known.delete(uid);
      }
    }
  }
}

import { EventName, type OnlineUser, ParleyError, type PresenceState, type Profile } from '@parley/protocol';
import type { PresenceStore } from '../../ports/storage/index.js';
import { renderPush } from '../delivery/push-frame.js';
import type { Recipient } from '../delivery/recipient.js';
import type { DeliveryRouter } from '../delivery/router.js';
import { type PresenceCause, PresenceDirectory } from './presence-directory.js';

export interface PresenceOptions {
  /** How long a user stays shown online after their last device left: a reconnect within it does not flap. */
  graceMs: number;
  /** The most users one connection may follow. */
  maxSubscriptions: number;
  snapshotMs?: number;
  /** How long the directory waits to hear of every other node before it is complete (0 for a lone node). */
  warmupMs?: number;
  clock?: () => number;
}

const HiddenEvent = 'presence.hidden';
const ProfileEvent = 'presence.profile';

/**
 * Presence as users see it: online while a device of theirs is connected to any node (the
 * directory), offline `graceMs` after the last one left, with the time it left as `lastSeen`
 * (stored by the node where it left). A connection follows the users it shows
 * (`presence.subscribe`) and gets `presence.changed` on each change; every node works out the
 * changes from its own copy of the directory and tells only its own connections. Followers also get
 * `user.updated` when the user's name or avatar changes (they show the user). A user who hides
 * their presence is shown offline with no lastSeen; the app's server still reads the truth.
 */
export class PresenceService {
  readonly directory: PresenceDirectory;
  /** followed uid -> the local connections following it */
  private readonly followers = new Map<string, Set<Recipient>>();
  private readonly following = new Map<Recipient, Set<string>>();
  /** Users this node has shown online (to its followers): bounded by the users online. */
  private readonly shownOnline = new Set<string>();
  /**
   * uid -> the pending switch to offline, when the last device left, whether this node stores that
   * time, and whether it reports the user offline to the app's server.
   */
  private readonly leaving = new Map<string, { timer: ReturnType<typeof setTimeout>; at: number; store: boolean; report: boolean }>();
  private readonly reportListeners: Array<(uid: string, online: boolean) => void> = [];
  private readonly clock: () => number;

  constructor(
    router: DeliveryRouter,
    private readonly store: PresenceStore,
    private readonly options: PresenceOptions,
  ) {
    this.clock = options.clock ?? Date.now;
    this.directory = new PresenceDirectory(router, (uid, cause) => this.changed(uid, cause), {
      snapshotMs: options.snapshotMs,
      warmupMs: options.warmupMs,
    });
    router.onBroadcast(HiddenEvent, (uid) => {
      if (typeof uid === 'string') void this.tellFollowers(uid).catch(() => {});
    });
    router.onBroadcast(ProfileEvent, (profile) => this.tellProfile(profile as Profile));
    this.broadcast = (uid) => router.broadcast(HiddenEvent, uid);
    this.broadcastProfile = (profile) => router.broadcast(ProfileEvent, profile);
  }

  private readonly broadcast: (uid: string) => void;
  private readonly broadcastProfile: (profile: Profile) => void;

  /** A user's name or avatar changed: `user.updated` to the connections following them, on every node. */
  profileChanged(user: Profile): void {
    const profile: Profile = { uid: user.uid, name: user.name, avatar: user.avatar };
    this.broadcastProfile(profile);
    this.tellProfile(profile);
  }

  private tellProfile(profile: Profile): void {
    const followers = this.followers.get(profile.uid);
    if (!followers) return;
    const frame = renderPush(EventName.UserUpdated, profile);
    for (const conn of followers) conn.sendText(frame);
  }

  /** Follows `uids` for `conn` and answers their current state, in the order asked. */
  async subscribe(conn: Recipient, uids: readonly string[]): Promise<PresenceState[]> {
    const mine = this.following.get(conn) ?? new Set<string>();
    const added = uids.filter((uid) => !mine.has(uid));
    if (mine.size + new Set(added).size > this.options.maxSubscriptions) {
      throw new ParleyError('presence.too_many', `A connection follows at most ${this.options.maxSubscriptions} users`);
    }
    this.following.set(conn, mine);
    for (const uid of added) {
      mine.add(uid);
      const set = this.followers.get(uid) ?? new Set<Recipient>();
      set.add(conn);
      this.followers.set(uid, set);
    }
    return this.shownStates(uids);
  }

  /** Stops following; answers how many this connection still follows. */
  unsubscribe(conn: Recipient, uids: readonly string[]): number {
    const mine = this.following.get(conn);
    if (!mine) return 0;
    for (const uid of uids) if (mine.delete(uid)) this.unfollow(uid, conn);
    if (mine.size === 0) this.following.delete(conn);
    return mine.size;
  }

  connected(conn: Recipient & { deviceFlag: number; deviceId: string }, since: number): void {
    this.directory.connected({
      uid: conn.uid,
      connectionId: conn.connectionId,
      deviceFlag: conn.deviceFlag,
      deviceId: conn.deviceId,
      since,
    });
  }

  /** The connection closed: its devices and its subscriptions go. */
  disconnected(conn: Recipient): void {
    this.directory.disconnected(conn);
    for (const uid of this.following.get(conn) ?? []) this.unfollow(uid, conn);
    this.following.delete(conn);
  }

  /** The truth, for the app's server: devices on every node, lastSeen, and the hidden flag. */
  async online(uids: readonly string[]): Promise<OnlineUser[]> {
    const [lastSeen, hidden] = await Promise.all([this.store.lastSeen(uids), this.store.hidden(uids)]);
    return uids.map((uid) => {
      const devices = this.directory.devices(uid).map((d) => ({ deviceFlag: d.deviceFlag, deviceId: d.deviceId, since: d.since }));
      return { uid, online: devices.length > 0, devices, lastSeen: lastSeen.get(uid) ?? null, hidden: hidden.has(uid) };
    });
  }

  /** Hides or shows the user's presence; followers on every node see the change. False: no such user. */
  async setHidden(uid: string, hidden: boolean): Promise<boolean> {
    if (!(await this.store.setHidden(uid, hidden))) return false;
    this.broadcast(uid);
    await this.tellFollowers(uid);
    return true;
  }

  /**
   * The changes the app's server hears of (`user.online` / `user.offline` webhooks): as followers see
   * them, with the grace period, and each reported by one node of the cluster: coming online by the
   * node the first device connected to; going offline by the node the last one left, or for a node
   * that died or stopped, by the running node with the lowest name. (Two first devices connecting to
   * two nodes at the same moment are each reported: the nodes learn of each other's a moment later.)
   */
  onReport(listener: (uid: string, online: boolean) => void): void {
    this.reportListeners.push(listener);
  }

  /** This node is about to close its connections: the other nodes, if any, report its users leaving. */
  depart(): void {
    this.directory.depart();
  }

  /** Users whose switch to offline waits out the grace period (tests). */
  isLeaving(uid: string): boolean {
    return this.leaving.has(uid);
  }

  /**
   * Stops, after the connections closed: the users still in their grace period left now. Their
   * lastSeen is stored, and the last node running reports them offline (with other nodes running,
   * those do, having been told by `depart`).
   */
  async close(): Promise<void> {
    this.directory.close();
    const alone = this.directory.alone;
    const writes: Promise<void>[] = [];
    for (const [uid, { timer, at, store, report }] of this.leaving) {
      clearTimeout(timer);
      if (store) writes.push(this.store.setLastSeen(uid, at).catch(() => {}));
      if (report && alone) this.report(uid, false);
    }
    this.leaving.clear();
    await Promise.all(writes);
  }

  private report(uid: string, online: boolean): void {
    for (const listener of this.reportListeners) listener(uid, online);
  }

  private unfollow(uid: string, conn: Recipient): void {
    const set = this.followers.get(uid);
    if (set?.delete(conn) && set.size === 0) this.followers.delete(uid);
  }

  private changed(uid: string, cause: PresenceCause): void {
    const leaving = this.leaving.get(uid);
    if (this.directory.isOnline(uid)) {
      if (leaving) {
        // Back within the grace period: followers never saw them leave.
        clearTimeout(leaving.timer);
        this.leaving.delete(uid);
        return;
      }
      if (this.shownOnline.has(uid)) return;
      this.shownOnline.add(uid);
      if (cause === 'local') this.report(uid, true);
      void this.tellFollowers(uid).catch(() => {});
      return;
    }
    if (leaving || !this.shownOnline.has(uid)) return;
    const at = this.clock();
    // The node where the last device left records when; a gone node's users, every node that saw it go.
    const store = cause !== 'remote';
    const report = cause === 'local' || (cause === 'node-gone' && this.directory.speaksForGoneNodes());
    const timer = setTimeout(() => void this.left(uid).catch(() => {}), this.options.graceMs);
    timer.unref();
    this.leaving.set(uid, { timer, at, store, report });
  }

  private async left(uid: string): Promise<void> {
    const leaving = this.leaving.get(uid);
    if (!leaving) return;
    this.leaving.delete(uid);
    this.shownOnline.delete(uid);
    if (leaving.report) this.report(uid, false);
    if (leaving.store) await this.store.setLastSeen(uid, leaving.at);
    await this.tellFollowers(uid, leaving.at);
  }

  /** Pushes the user's state as shown to their followers on this node. */
  private async tellFollowers(uid: string, lastSeenAt?: number): Promise<void> {
    if (!this.followers.has(uid)) return;
    const [state] = await this.shownStates([uid], lastSeenAt);
    const frame = renderPush(EventName.PresenceChanged, state);
    for (const conn of this.followers.get(uid) ?? []) conn.sendText(frame);
  }

  private async shownStates(uids: readonly string[], lastSeenAt?: number): Promise<PresenceState[]> {
    const offline = uids.filter((uid) => !this.shownOnline.has(uid));
    const [lastSeen, hidden] = await Promise.all([
      offline.length && lastSeenAt === undefined ? this.store.lastSeen(offline) : Promise.resolve(new Map<string, number>()),
      this.store.hidden(uids),
    ]);
    return uids.map((uid) => {
      if (hidden.has(uid)) return { uid, online: false, lastSeen: null };
      if (this.shownOnline.has(uid)) return { uid, online: true, lastSeen: null };
      return { uid, online: false, lastSeen: lastSeenAt ?? lastSeen.get(uid) ?? null };
    });
  }
}

import { randomBytes } from 'node:crypto';
import { EventName } from '@parley/protocol';
import { type Bus, type BusMessage, type BusStatus, channelTopic, nodeTopic, userTopic } from '../../ports/bus.js';
import { renderPush } from './push-frame.js';
import type { Recipient } from './recipient.js';

const MembershipEvent = 'membership';
/** Every node holding a connection of the user closes it (their account was erased). */
const DisconnectEvent = 'disconnect';
/** Every node holding matching connections of the user closes them, after a `session.kicked` push. */
const KickEvent = 'kick';
/** Every node listens here for news about the cluster as a whole. */
const ClusterTopic = 'cluster';
/** A node is back on the bus after losing it: what it published meanwhile never reached the others. */
const ResyncEvent = 'bus.resync';
export interface MembershipChange {
  channelType: number;
  channelId: string;
  joined: boolean;
  /**
   * On a join: the channel's seq before it. The member's node hands over what the member may see
   * after it that reached the channel before the node's subscription held (see `catchUpAfterJoin`).
   */
  afterSeq?: number;
}

/** Which of a user's connections a kick closes, and how. */
export interface KickOrder {
  /** Only this device (any flag); all of the user's without it. */
  deviceId?: string;
  /** Only devices with this flag. */
  deviceFlag?: number;
  /** Only connections that signed in before this time (ms): a newer login is never the one kicked. */
  before?: number;
  /** Never this connection (the login that caused the kick). */
  except?: string;
  /** `session.kicked`'s reason. */
  reason: string;
  code: number;
}

/** The stored message a push is about: only users who may see it receive the push. */
export interface MessageAbout {
  channelType: number;
  channelId: string;
  seq: number;
}

export interface PushOptions {
  /** The connection that caused the push; it does not receive it. */
  origin?: string;
  about?: MessageAbout;
  /** The seq of the message a `message.new` carries. */
  seq?: number;
}

/** Which node holds a device of which user: the presence directory, cluster-wide. */
export interface NodeLocator {
  /**
   * Whether every node's devices are known here (false while this node warms up or after its bus
   * lost messages): until then a group message goes the safe way, once per recipient.
   */
  complete(): boolean;
  /** Calls `each` with every node (this one included) holding a device of `uid`, once per node. */
  nodesOf(uid: string, each: (node: string) => void): void;
}

/** Which of `uids` may see the message (the domain's one visibility rule). */
export type VisibilityCheck = (uids: readonly string[], about: MessageAbout) => Promise<ReadonlySet<string>>;

/** The `message.new` frames of the super group's messages after `afterSeq` that `uid` may see, ascending. */
export type MissedMessages = (uid: string, channelId: string, afterSeq: number) => Promise<Array<{ seq: number; frame: string }>>;

/**
 * The cluster logic of delivery, written once: which local connections want an event, and which
 * bus topics this node subscribes to. A bus adapter only publishes and receives.
 *
 * A node subscribes to `user.<uid>` while it holds a connection of that user, to a super
 * group's channel topic while it holds a connection of one of its members, so a super-group
 * message crosses the bus once per node, not once per member, and to its own `node.<name>`, where
 * a group's message arrives once with the uids of its recipients here (`pushToMembers`).
 *
 * Pushes about a stored message are checked against the visibility rule on the receiving node,
 * for its own recipients only, so a super group's update costs a check per member online there,
 * not per member. Such a check waits on storage: while one is pending on a topic, later pushes on
 * that topic queue behind it, so every topic still delivers in publish order.
 */
export class DeliveryRouter {
  private readonly byUser = new Map<string, Set<Recipient>>();
  /** uid -> its `user.<uid>` subscription, resolved once the broker holds it */
  private readonly userSubscriptions = new Map<string, Promise<void>>();
  /** super-group topic -> local member uids */
  private readonly channelMembers = new Map<string, Set<string>>();
  /** super-group topic -> its subscription, resolved once it holds at the broker */
  private readonly subscriptions = new Map<string, Promise<void>>();
  /** uid -> super-group topics it keeps subscribed */
  private readonly userChannels = new Map<string, Set<string>>();
  /** topic -> the tail of its deliveries waiting on a visibility check or a catch-up */
  private readonly pending = new Map<string, Promise<void>>();
  /** super-group topic -> uid -> the seq up to which a catch-up after joining handed the messages over */
  private readonly caughtUp = new Map<string, Map<string, number>>();
  private readonly broadcastHandlers = new Map<string, (data: unknown) => void>();
  /** Tells this node's broadcasts apart from the others' on the shared topic. */
  private readonly node = randomBytes(6).toString('base64url');
  private readonly ownTopic = nodeTopic(this.node);
  private locator: NodeLocator | undefined;
  /** Resolves once the cluster topic and this node's own topic are held at the broker. */
  readonly ready: Promise<void>;

  constructor(
    private readonly bus: Bus,
    private readonly superGroupsOf: (uid: string) => Promise<string[]>,
    private readonly whoCanSee: VisibilityCheck,
    /** Without it, a member who joins receives what is published once their node's subscription holds. */
    private readonly missedAfter?: MissedMessages,
  ) {
    bus.onMessage((topic, message) => this.receive(topic, message));
    this.ready = Promise.all([bus.subscribe(ClusterTopic), bus.subscribe(this.ownTopic)]).then(() => {});
    bus.onGap(() => this.recoverFromGap());
    this.onBroadcast(ResyncEvent, () => this.requestResync());
  }

  /** This node's name on the cluster topic (random per process). */
  get nodeName(): string {
    return this.node;
  }

  /** Users with at least one connection on this node. */
  get userCount(): number {
    return this.byUser.size;
  }

  get connectionCount(): number {
    let n = 0;
    for (const set of this.byUser.values()) n += set.size;
    return n;
  }

  /**
   * Resolves once `user.<uid>` is held at the broker (and the user's super-group topics are joined):
   * the gateway answers the login after it, so that whatever is published to the user after the
   * client's first sync reaches this node.
   */
  async attach(recipient: Recipient): Promise<void> {
    const existing = this.byUser.get(recipient.uid);
    if (existing) {
      existing.add(recipient);
      await this.userSubscriptions.get(recipient.uid);
      return;
    }
    this.byUser.set(recipient.uid, new Set([recipient]));
    this.userChannels.set(recipient.uid, new Set());
    const subscribed = this.bus.subscribe(userTopic(recipient.uid));
    this.userSubscriptions.set(recipient.uid, subscribed);
    const [groups] = await Promise.all([this.superGroupsOf(recipient.uid), subscribed]);
    if (!this.byUser.has(recipient.uid)) return; // left while we were loading
    for (const groupId of groups) this.join(recipient.uid, channelTopic(3, groupId));
  }

  detach(recipient: Recipient): void {
    const set = this.byUser.get(recipient.uid);
    if (!set?.delete(recipient) || set.size) return;
    this.byUser.delete(recipient.uid);
    this.userSubscriptions.delete(recipient.uid);
    this.bus.unsubscribe(userTopic(recipient.uid));
    for (const topic of this.userChannels.get(recipient.uid) ?? []) this.leave(recipient.uid, topic);
    this.userChannels.delete(recipient.uid);
  }

  /** Connections of `uid` on this node (any node's are reached through the bus). */
  localConnections(uid: string): ReadonlySet<Recipient> {
    return this.byUser.get(uid) ?? new Set();
  }

  /** Pushes a rendered frame (see `renderPush`) to every device of `uid` but `options.origin`. */
  pushToUser(uid: string, frame: string, options: PushOptions = {}): void {
    this.bus.publish(userTopic(uid), pushMessage(frame, options));
  }

  /** Where `pushToMembers` finds the nodes of the recipients (without one, it pushes per recipient). */
  useLocator(locator: NodeLocator): void {
    this.locator = locator;
  }

  /** Whether group messages go out once per node now (false: once per recipient, see `pushToMembers`). */
  get fanoutByNode(): boolean {
    return this.locator?.complete() ?? false;
  }

  /**
   * A group's message to its recipients: `frame` to every device of each uid but `options.origin`,
   * then that uid's frame in `after` (if any) to every device of theirs. It crosses the bus once per
   * node holding a device of a recipient, carrying the frame once and the uids there; this node's own
   * devices get it at once; a recipient with no device online anywhere costs nothing (they pull it).
   *
   * Why no one online is missed, though presence reaches the other nodes late: a node answers a
   * connection's auth only once every other node has acknowledged the news of that device (see
   * `PresenceDirectory.peersKnow`). A message whose publisher read the directory before that news
   * arrived was committed before the ack, so before the client's first sync, which reads it; one
   * published after includes the device. Until the directory is complete (this node just started,
   * or its bus lost messages) messages go out per recipient, on their user topics, as before.
   */
  pushToMembers(uids: readonly string[], frame: string, options: PushOptions & { after?: ReadonlyMap<string, string> } = {}): void {
    const { origin, seq, after } = options;
    const locator = this.locator;
    if (!locator?.complete()) {
      const push = pushMessage(frame, { origin, seq });
      for (const uid of uids) this.bus.publish(userTopic(uid), push);
      if (after)
        for (const uid of uids) {
          const own = after.get(uid);
          if (own !== undefined) this.bus.publish(userTopic(uid), { kind: 'push', frame: own });
        }
      return;
    }
    const byNode = new Map<string, string[]>();
    for (const uid of uids) {
      locator.nodesOf(uid, (node) => {
        const there = byNode.get(node);
        if (there) there.push(uid);
        else byNode.set(node, [uid]);
      });
    }
    for (const [node, there] of byNode) {
      const message: BusMessage = { kind: 'fanout', frame, uids: there };
      if (after) message.after = there.map((uid) => after.get(uid) ?? '');
      if (origin) message.origin = origin;
      if (seq !== undefined) message.seq = seq;
      // This node's own devices get it at once, as every push (before the sender's ack).
      if (node === this.node) this.deliverFanout(message);
      else this.bus.publish(nodeTopic(node), message);
    }
  }

  /** `options.seq` on a `message.new` lets a member who just joined skip what their catch-up handed over. */
  pushToSuperGroup(channelId: string, frame: string, options: PushOptions = {}): void {
    this.bus.publish(channelTopic(3, channelId), pushMessage(frame, options));
  }

  /** Tells the nodes of `uid` to start or stop listening to a super group. */
  membershipChanged(uid: string, change: MembershipChange): void {
    this.bus.publish(userTopic(uid), { kind: 'control', event: MembershipEvent, data: change });
  }

  /**
   * Closes every connection of `uid` on every node with `code` (at most once, as every bus message:
   * the caller repeats it where missing one matters). This node's own close at once.
   */
  disconnectUser(uid: string, code: number, reason: string): void {
    this.closeLocal(uid, code, reason);
    this.bus.publish(userTopic(uid), { kind: 'control', event: DisconnectEvent, data: { code, reason } });
  }

  /**
   * Closes the user's connections that match `order`, on every node (at most once, as every bus
   * message), each after a `session.kicked` push saying why. This node's own at once.
   */
  kick(uid: string, order: KickOrder): void {
    this.kickLocal(uid, order);
    this.bus.publish(userTopic(uid), { kind: 'control', event: KickEvent, data: order });
  }

  private kickLocal(uid: string, order: KickOrder): void {
    for (const r of [...(this.byUser.get(uid) ?? [])]) {
      if (r.connectionId === order.except) continue;
      if (order.deviceId !== undefined && r.deviceId !== order.deviceId) continue;
      if (order.deviceFlag !== undefined && r.deviceFlag !== order.deviceFlag) continue;
      if (order.before !== undefined && (r.connectedAt ?? 0) >= order.before) continue;
      r.sendText(renderPush(EventName.SessionKicked, { reason: order.reason, deviceId: r.deviceId, deviceFlag: r.deviceFlag }));
      r.close(order.code, order.reason);
    }
  }

  private closeLocal(uid: string, code: number, reason: string): void {
    for (const r of [...(this.byUser.get(uid) ?? [])]) r.close(code, reason);
  }

  /**
   * This node's bus is back after losing its broker, and the loss went both ways: its clients missed
   * what the others published meanwhile, and the others' clients missed what it published (it went
   * on storing and acking sends). So its own clients resync, and it asks every other node to resync
   * theirs, now that the broadcast reaches them. A node that lost the broker too resyncs its clients
   * on its own return, so none is left out whatever the order of the returns.
   */
  private recoverFromGap(): void {
    this.requestResync();
    this.broadcast(ResyncEvent, null);
  }

  /**
   * After the bus lost messages: every local connection is told to pull what it may have missed
   * (`sync.required`), as it does after a reconnect of its own.
   */
  requestResync(): void {
    const frame = renderPush(EventName.SyncRequired, { reason: 'bus.reconnected' });
    for (const set of this.byUser.values()) for (const r of set) r.sendText(frame);
  }

  /**
   * Tells every other node something about the cluster (a shared limit, say): at most once, in
   * publish order from this node. This node does not receive its own.
   */
  broadcast(event: string, data: unknown): void {
    this.bus.publish(ClusterTopic, { kind: 'control', event, data: { from: this.node, data } });
  }

  /** The handler of one broadcast event; one per event. */
  onBroadcast(event: string, handler: (data: unknown) => void): void {
    this.broadcastHandlers.set(event, handler);
  }

  busStatus(): BusStatus {
    return this.bus.status();
  }

  /** Resolves once every delivery waiting on a visibility check has been made (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all(this.pending.values());
  }

  private receive(topic: string, message: BusMessage): void {
    if (message.kind === 'control' && topic === ClusterTopic) {
      const { from, data } = message.data as { from: string; data: unknown };
      if (from !== this.node) this.broadcastHandlers.get(message.event)?.(data);
      return;
    }
    if (message.kind === 'fanout') {
      if (topic === this.ownTopic) this.deliverFanout(message);
      return;
    }
    if (message.kind === 'control') {
      if (message.event === MembershipEvent && topic.startsWith('user.'))
        this.applyMembership(topic.slice(5), message.data as MembershipChange);
      if (message.event === KickEvent && topic.startsWith('user.')) this.kickLocal(topic.slice(5), message.data as KickOrder);
      if (message.event === DisconnectEvent && topic.startsWith('user.')) {
        const { code, reason } = message.data as { code: number; reason: string };
        this.closeLocal(topic.slice(5), code, reason);
      }
      return;
    }
    if (!message.about && !this.pending.has(topic)) {
      this.deliverTo(this.audience(topic, message.seq), message.frame, message.origin);
      return;
    }
    this.enqueue(topic, async () => {
      const uids = this.audience(topic, message.seq);
      const about = message.about;
      const allowed = about && uids.length ? await this.whoCanSee(uids, about) : undefined;
      this.deliverTo(allowed ? uids.filter((uid) => allowed.has(uid)) : about ? [] : uids, message.frame, message.origin);
    });
  }

  /** The local uids a topic's pushes go to; for message `seq`, not those a catch-up already handed it to. */
  private audience(topic: string, seq?: number): string[] {
    if (topic.startsWith('user.')) {
      const uid = topic.slice(5);
      return this.byUser.has(uid) ? [uid] : [];
    }
    const members = [...(this.channelMembers.get(topic) ?? [])];
    const caughtUp = seq === undefined ? undefined : this.caughtUp.get(topic);
    return caughtUp ? members.filter((uid) => (caughtUp.get(uid) ?? 0) < (seq as number)) : members;
  }

  private enqueue(topic: string, task: () => Promise<void>): void {
    // A failed check delivers nothing: clients that miss an update pull the current state.
    const tail = (this.pending.get(topic) ?? Promise.resolve()).then(task).catch(() => {});
    this.pending.set(topic, tail);
    void tail.then(() => {
      if (this.pending.get(topic) === tail) this.pending.delete(topic);
    });
  }

  private deliverTo(uids: readonly string[], frame: string, origin: string | undefined): void {
    for (const uid of uids) {
      for (const r of this.byUser.get(uid) ?? []) if (r.connectionId !== origin) r.sendText(frame);
    }
  }

  /** A group message's recipients on this node: those gone since it was published get nothing. */
  private deliverFanout(message: Extract<BusMessage, { kind: 'fanout' }>): void {
    const { frame, uids, after, origin } = message;
    for (let i = 0; i < uids.length; i++) {
      const devices = this.byUser.get(uids[i] as string);
      if (!devices) continue;
      for (const r of devices) if (r.connectionId !== origin) r.sendText(frame);
      const own = after?.[i];
      if (own) for (const r of devices) r.sendText(own);
    }
  }

  private applyMembership(uid: string, change: MembershipChange): void {
    if (!this.byUser.has(uid) || change.channelType !== 3) return;
    const topic = channelTopic(3, change.channelId);
    if (!change.joined) {
      this.leave(uid, topic);
      return;
    }
    const subscribed = this.join(uid, topic);
    if (change.afterSeq !== undefined) this.catchUpAfterJoin(uid, change.channelId, change.afterSeq, subscribed);
  }

  /**
   * A member added through another node learns of it here, and this node subscribes the group's
   * topic if it did not hold it: a message committed in between never reached this node. So once the
   * subscription holds, what the member may see after `afterSeq` is read from storage and handed over.
   * The topic's pushes wait behind the read (publish order holds), and until it is done the member is
   * handed no `message.new` by push; after, none it already got (a push may come late).
   */
  private catchUpAfterJoin(uid: string, channelId: string, afterSeq: number, subscribed: Promise<void>): void {
    const missedAfter = this.missedAfter;
    if (!missedAfter) return;
    const topic = channelTopic(3, channelId);
    const caughtUp = this.caughtUp.get(topic) ?? new Map<string, number>();
    this.caughtUp.set(topic, caughtUp);
    caughtUp.set(uid, Number.POSITIVE_INFINITY);
    this.enqueue(topic, async () => {
      let upTo = afterSeq;
      try {
        await subscribed;
        for (const { seq, frame } of await missedAfter(uid, channelId, afterSeq)) {
          if (caughtUp.get(uid) === undefined) return; // left meanwhile
          this.deliverTo([uid], frame, undefined);
          upTo = Math.max(upTo, seq);
        }
      } finally {
        // A failed read hands over nothing more: pushes resume after afterSeq, and the client pulls the rest.
        if (caughtUp.has(uid)) caughtUp.set(uid, upTo);
      }
    });
  }

  /** Resolves once the topic's subscription holds at the broker. */
  private join(uid: string, topic: string): Promise<void> {
    this.userChannels.get(uid)?.add(topic);
    const members = this.channelMembers.get(topic);
    if (members) members.add(uid);
    else {
      this.channelMembers.set(topic, new Set([uid]));
      this.subscriptions.set(topic, this.bus.subscribe(topic));
    }
    return this.subscriptions.get(topic) as Promise<void>;
  }

  private leave(uid: string, topic: string): void {
    const caughtUp = this.caughtUp.get(topic);
    if (caughtUp?.delete(uid) && caughtUp.size === 0) this.caughtUp.delete(topic);
    this.userChannels.get(uid)?.delete(topic);
    const members = this.channelMembers.get(topic);
    if (!members?.delete(uid) || members.size) return;
    this.channelMembers.delete(topic);
    this.subscriptions.delete(topic);
    this.bus.unsubscribe(topic);
  }
}

function pushMessage(frame: string, options: PushOptions): BusMessage {
  const message: BusMessage = { kind: 'push', frame };
  if (options.origin) message.origin = options.origin;
  if (options.about) message.about = options.about;
  if (options.seq !== undefined) message.seq = options.seq;
  return message;
}

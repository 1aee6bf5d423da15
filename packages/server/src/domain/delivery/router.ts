import { type Bus, type BusMessage, channelTopic, userTopic } from '../../ports/bus.js';
import type { Recipient } from './recipient.js';

const MembershipEvent = 'membership';
interface MembershipChange {
  channelType: number;
  channelId: string;
  joined: boolean;
}

/**
 * The cluster logic of delivery, written once: which local connections want an event, and which
 * bus topics this node subscribes to. A bus adapter only publishes and receives.
 *
 * A node subscribes to `user.<uid>` while it holds a connection of that user, and to a super
 * group's channel topic while it holds a connection of one of its members, so a super-group
 * message crosses the bus once per node, not once per member.
 */
/** The text frame of a push event, as clients receive it. */
export const renderPush = (event: string, data: unknown): string => JSON.stringify({ event, data });

export class DeliveryRouter {
  private readonly byUser = new Map<string, Set<Recipient>>();
  /** super-group topic -> local member uids */
  private readonly channelMembers = new Map<string, Set<string>>();
  /** uid -> super-group topics it keeps subscribed */
  private readonly userChannels = new Map<string, Set<string>>();

  constructor(
    private readonly bus: Bus,
    private readonly superGroupsOf: (uid: string) => Promise<string[]>,
  ) {
    bus.onMessage((topic, message) => this.receive(topic, message));
  }

  get connectionCount(): number {
    let n = 0;
    for (const set of this.byUser.values()) n += set.size;
    return n;
  }

  async attach(recipient: Recipient): Promise<void> {
    const existing = this.byUser.get(recipient.uid);
    if (existing) {
      existing.add(recipient);
      return;
    }
    this.byUser.set(recipient.uid, new Set([recipient]));
    this.userChannels.set(recipient.uid, new Set());
    this.bus.subscribe(userTopic(recipient.uid));
    const groups = await this.superGroupsOf(recipient.uid);
    if (!this.byUser.has(recipient.uid)) return; // left while we were loading
    for (const groupId of groups) this.join(recipient.uid, channelTopic(3, groupId));
  }

  detach(recipient: Recipient): void {
    const set = this.byUser.get(recipient.uid);
    if (!set?.delete(recipient) || set.size) return;
    this.byUser.delete(recipient.uid);
    this.bus.unsubscribe(userTopic(recipient.uid));
    for (const topic of this.userChannels.get(recipient.uid) ?? []) this.leave(recipient.uid, topic);
    this.userChannels.delete(recipient.uid);
  }

  /** Connections of `uid` on this node (any node's are reached through the bus). */
  localConnections(uid: string): ReadonlySet<Recipient> {
    return this.byUser.get(uid) ?? new Set();
  }

  /** Pushes a rendered frame (see `renderPush`) to every device of `uid` but `origin`. */
  pushToUser(uid: string, frame: string, origin?: string): void {
    this.bus.publish(userTopic(uid), origin ? { kind: 'push', frame, origin } : { kind: 'push', frame });
  }

  pushToSuperGroup(channelId: string, frame: string, origin?: string): void {
    this.bus.publish(channelTopic(3, channelId), origin ? { kind: 'push', frame, origin } : { kind: 'push', frame });
  }

  /** Tells the nodes of `uid` to start or stop listening to a super group. */
  membershipChanged(uid: string, change: MembershipChange): void {
    this.bus.publish(userTopic(uid), { kind: 'control', event: MembershipEvent, data: change });
  }

  private receive(topic: string, message: BusMessage): void {
    if (message.kind === 'control') {
      if (message.event === MembershipEvent && topic.startsWith('user.'))
        this.applyMembership(topic.slice(5), message.data as MembershipChange);
      return;
    }
    if (topic.startsWith('user.')) {
      this.deliver(this.byUser.get(topic.slice(5)), message.frame, message.origin);
      return;
    }
    for (const uid of this.channelMembers.get(topic) ?? []) this.deliver(this.byUser.get(uid), message.frame, message.origin);
  }

  private deliver(recipients: Set<Recipient> | undefined, frame: string, origin: string | undefined): void {
    if (!recipients) return;
    for (const r of recipients) if (r.connectionId !== origin) r.sendText(frame);
  }

  private applyMembership(uid: string, change: MembershipChange): void {
    if (!this.byUser.has(uid) || change.channelType !== 3) return;
    const topic = channelTopic(3, change.channelId);
    if (change.joined) this.join(uid, topic);
    else this.leave(uid, topic);
  }

  private join(uid: string, topic: string): void {
    this.userChannels.get(uid)?.add(topic);
    const members = this.channelMembers.get(topic);
    if (members) members.add(uid);
    else {
      this.channelMembers.set(topic, new Set([uid]));
      this.bus.subscribe(topic);
    }
  }

  private leave(uid: string, topic: string): void {
    this.userChannels.get(uid)?.delete(topic);
    const members = this.channelMembers.get(topic);
    if (!members?.delete(uid) || members.size) return;
    this.channelMembers.delete(topic);
    this.bus.unsubscribe(topic);
  }
}

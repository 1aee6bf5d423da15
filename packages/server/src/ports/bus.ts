/**
 * The event bus between server nodes (in-process, Redis or NATS).
 *
 * Rules every adapter keeps (`adapters/bus/bus.contract.ts` checks them on each):
 * - Delivery is at most once. Events carry versions/seqs, so clients detect a gap and pull; nothing
 *   relies on the bus for durability (the database is the source of truth).
 * - Events published by one node on one topic arrive at each subscriber in publish order. Nothing is
 *   promised between topics, or between two publishers.
 * - A node receives only topics it subscribed to: it subscribes to `user.<uid>` while it holds a
 *   connection of that user, to a super group's topic while it holds a connection of a member, and
 *   to its own `node.<name>` for as long as it runs (a group message's recipients there).
 *   A node's own publishes reach it too, when it is subscribed, before `publish` returns.
 * - `subscribe` and `unsubscribe` are idempotent per topic per bus instance; after `unsubscribe`
 *   returns, nothing more of that topic is handed over. One handler serves all topics.
 * - `subscribe` resolves once the broker has the subscription: whatever any node publishes on the
 *   topic from then on reaches this node. It never rejects; with the broker away it resolves after
 *   the reconnect (whose gap report covers what was lost).
 * - After losing its broker, an adapter reconnects by itself, re-subscribes every topic it held,
 *   and then calls the `onGap` handler: what was published meanwhile is lost, so clients must pull.
 * - Messages are plain JSON-serializable objects. The in-process adapter hands over the same
 *   object it was given, so handlers must not mutate it.
 * - What a client receives crosses the bus as its final text frame, so no node serializes twice.
 */
export type BusMessage =
  /** For clients: the push frame, serialized once by the publisher whatever the number of receivers. */
  | {
      kind: 'push';
      frame: string;
      /** `<nodeId>:<connectionId>` of the connection that caused it; that connection skips it. */
      origin?: string;
      /**
       * A push about a stored message (an edit, a reaction, a revoke, a receipt): each receiving
       * node hands it only to those of its local recipients who may see that message.
       */
      about?: { channelType: number; channelId: string; seq: number };
      /** The seq of the message a super group's `message.new` carries (see DeliveryRouter's catch-up after a join). */
      seq?: number;
    }
  /**
   * A group's message for the recipients on one node (topic `node.<name>`): the frame once, the uids
   * it goes to there, and per uid the frame that follows it on that uid's devices (their
   * `conversation.updated`), so a message crosses the bus once per node with recipients online.
   */
  | {
      kind: 'fanout';
      frame: string;
      uids: string[];
      /** Parallel to `uids`: a frame for every device of that uid after `frame`, or '' for none. */
      after?: string[];
      /** As on a push: the connection that caused it skips `frame` (not its `after`). */
      origin?: string;
      /** The seq of the message `frame` carries. */
      seq?: number;
    }
  /** Between nodes only; never forwarded to clients. */
  | { kind: 'control'; event: string; data: unknown };

export type BusHandler = (topic: string, message: BusMessage) => void;

export interface BusStatus {
  /** `memory`, `redis` or `nats`. */
  kind: string;
  /** Whether publishes reach other nodes now (always true in process). */
  connected: boolean;
  /** Times the broker connection came back after a loss. */
  reconnects: number;
}

export interface Bus {
  publish(topic: string, message: BusMessage): void;
  subscribe(topic: string): Promise<void>;
  unsubscribe(topic: string): void;
  /** The single handler for every topic this node subscribed to. */
  onMessage(handler: BusHandler): void;
  /** Called each time the broker is back after a loss, every topic subscribed again. */
  onGap(handler: () => void): void;
  status(): BusStatus;
  close(): Promise<void>;
}

export const userTopic = (uid: string): string => `user.${uid}`;
/** A node's own topic (`DeliveryRouter.nodeName`): what only that node's connections are to get. */
export const nodeTopic = (node: string): string => `node.${node}`;
export const channelTopic = (channelType: number, channelId: string): string => `channel.${channelType}.${channelId}`;

import type { DeliveryRouter, NodeLocator } from '../delivery/router.js';

export interface DeviceInfo {
  deviceFlag: number;
  deviceId: string;
  /** When the connection signed in, ms. */
  since: number;
}

/** A connection as presence sees it. */
export interface PresenceConnection extends DeviceInfo {
  uid: string;
  connectionId: string;
}

/**
 * Why a user's devices changed on this node's view: here, on another node, or because another node
 * went (it died, or it is stopping and said so: its users leave with it).
 */
export type PresenceCause = 'local' | 'remote' | 'node-gone';

/** The longest a login waits for the other nodes to know of its device (see `peersKnow`). */
export const PEERS_KNOW_TIMEOUT_MS = 2000;

const DevicesEvent = 'presence.devices';
const SnapshotEvent = 'presence.snapshot';
const HelloEvent = 'presence.hello';
const ByeEvent = 'presence.bye';
/** A node has applied another's `presence.devices` up to a seq (see `peersKnow`). */
const AckEvent = 'presence.ack';
/** Users per snapshot message: keeps each bus message small. */
const SNAPSHOT_CHUNK = 500;

interface DevicesNews {
  node: string;
  uid: string;
  devices: DeviceInfo[];
  /** Counts the node's news, for the acks (absent from a node of an older version). */
  seq?: number;
}

interface AckNews {
  node: string;
  /** [node whose news was applied, up to which seq] */
  acks: Array<[string, number]>;
}

export interface DirectoryOptions {
  snapshotMs?: number;
  /**
   * How long after asking for snapshots the directory may be complete: long enough to have heard
   * every live node's heartbeat (NodeWatch's dead-after), so none is left out unknown.
   */
  warmupMs?: number;
  clock?: () => number;
}

interface SnapshotChunk {
  node: string;
  epoch: number;
  users: Array<[string, DeviceInfo[]]>;
  last: boolean;
}

/**
 * Who is connected where, across the cluster, kept in every node's memory (connections are
 * ephemeral, so nothing of it is stored). A node tells the others the whole device list of a user
 * whenever it changes there (`presence.devices`: a state, not a delta, so a late or repeated one
 * cannot corrupt anything), and every `snapshotMs` its whole local list in chunks
 * (`presence.snapshot`), which replaces what the others knew of it: the bus is at most once, and a
 * lost message is repaired by the next snapshot. A node that starts (or whose bus came back) asks
 * the others for theirs (`presence.hello`). A node that dies is dropped at once (NodeWatch).
 *
 * The broadcasts of one node arrive in publish order, so a snapshot and the changes around it apply
 * in the order they happened there.
 *
 * It also tells the delivery router which nodes hold a group message's recipients (`NodeLocator`),
 * and so must be sure of two things: it knows every node's devices before it is used (`complete`:
 * a snapshot from every peer since it asked, and a warm-up long enough to have heard of every
 * peer), and a device is known everywhere before its client syncs: every node acknowledges the news
 * it applies (`presence.ack`, batched), and `peersKnow` resolves once each peer has acknowledged.
 */
export class PresenceDirectory implements NodeLocator {
  /** uid -> connectionId -> device, on this node */
  private readonly local = new Map<string, Map<string, DeviceInfo>>();
  /** node -> uid -> devices there */
  private readonly remote = new Map<string, Map<string, DeviceInfo[]>>();
  /** node -> the snapshot being received from it */
  private readonly incoming = new Map<string, { epoch: number; users: Map<string, DeviceInfo[]> }>();
  /** Nodes that said they are stopping: what they report next is their users leaving with them. */
  private readonly departing = new Set<string>();
  private readonly timer: ReturnType<typeof setInterval>;
  private epoch = 0;
  /** The seq of this node's latest `presence.devices`. */
  private newsSeq = 0;
  /** peer -> the seq of this node's news it applied last */
  private readonly ackedBy = new Map<string, number>();
  /** Connections waiting for every peer to know of them (`peersKnow`). */
  private readonly waiters = new Set<{ seq: number; peers: Set<string>; resolve: () => void }>();
  /** peer -> the seq of its news applied here, not acknowledged yet */
  private readonly ackQueue = new Map<string, number>();
  /** When this node last asked for snapshots (-1: not yet), and the peers whose full snapshot arrived since. */
  private askedAt = -1;
  private readonly snapshotted = new Set<string>();
  private peers: () => Iterable<string> = () => [];
  private readonly warmupMs: number;
  private readonly clock: () => number;

  constructor(
    private readonly router: DeliveryRouter,
    /** Called for every user whose devices may have changed (the caller checks what did). */
    private readonly onChange: (uid: string, cause: PresenceCause) => void,
    options: DirectoryOptions = {},
  ) {
    this.warmupMs = options.warmupMs ?? 3500;
    this.clock = options.clock ?? Date.now;
    router.onBroadcast(DevicesEvent, (data) => this.applyDevices(data as DevicesNews));
    router.onBroadcast(SnapshotEvent, (data) => this.applySnapshot(data as SnapshotChunk));
    router.onBroadcast(HelloEvent, (node) => {
      if (typeof node === 'string') this.departing.delete(node); // back after a stop
      this.sendSnapshot();
    });
    router.onBroadcast(ByeEvent, (node) => {
      if (typeof node !== 'string') return;
      this.departing.add(node);
      // A stopping node acknowledges nothing more: logins here do not wait for it.
      this.heardBy(node, Number.POSITIVE_INFINITY);
    });
    router.onBroadcast(AckEvent, (data) => this.applyAck(data as AckNews));
    this.timer = setInterval(() => this.sendSnapshot(), options.snapshotMs ?? 30_000);
    this.timer.unref();
    // Asked once the cluster topic is held, or the answers could pass before it.
    void router.ready.then(() => this.askForSnapshots());
  }

  /** Where the live peers are read from (NodeWatch's nodes heard from lately); those with devices here count too. */
  usePeers(peers: () => Iterable<string>): void {
    this.peers = peers;
  }

  /**
   * Every other node sends its snapshot (at start, and after this node's bus lost messages), and this
   * node sends its own. Until theirs arrived, the directory is not complete; nor may a connection wait on acks the loss may have
   * taken (the loss has every client resync anyway).
   */
  askForSnapshots(): void {
    this.askedAt = this.clock();
    this.snapshotted.clear();
    for (const waiter of this.waiters) waiter.resolve();
    this.waiters.clear();
    this.router.broadcast(HelloEvent, this.router.nodeName);
    // And its own: the others are complete again without waiting for the periodic one (a node that
    // joins the cluster would otherwise hold every other node back to per-recipient sends for 30 s).
    this.sendSnapshot();
  }

  complete(): boolean {
    if (this.askedAt < 0 || this.clock() - this.askedAt < this.warmupMs) return false;
    for (const peer of this.livePeers()) if (!this.snapshotted.has(peer)) return false;
    return true;
  }

  nodesOf(uid: string, each: (node: string) => void): void {
    if (this.local.has(uid)) each(this.router.nodeName);
    for (const [node, users] of this.remote) if (users.has(uid)) each(node);
  }

  /**
   * Resolves once every live peer has applied this node's presence news so far (at once with none):
   * from then on, every peer's group messages include the devices connected here until now. Also
   * resolves when a peer dies (its clients are gone) or the bus lost messages (everyone resyncs).
   */
  peersKnow(): Promise<void> {
    const seq = this.newsSeq;
    const peers = new Set<string>();
    for (const peer of this.livePeers()) if ((this.ackedBy.get(peer) ?? 0) < seq) peers.add(peer);
    if (peers.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.add({ seq, peers, resolve }));
  }

  private livePeers(): Set<string> {
    const peers = new Set(this.peers());
    for (const node of this.remote.keys()) peers.add(node);
    peers.delete(this.router.nodeName);
    for (const node of this.departing) peers.delete(node);
    return peers;
  }

  connected(c: PresenceConnection): void {
    const devices = this.local.get(c.uid) ?? new Map<string, DeviceInfo>();
    this.local.set(c.uid, devices);
    devices.set(c.connectionId, { deviceFlag: c.deviceFlag, deviceId: c.deviceId, since: c.since });
    this.localChanged(c.uid);
  }

  disconnected(c: { uid: string; connectionId: string }): void {
    const devices = this.local.get(c.uid);
    if (!devices?.delete(c.connectionId)) return;
    if (devices.size === 0) this.local.delete(c.uid);
    this.localChanged(c.uid);
  }

  /** Every connected device of `uid`, on every node this one knows of. */
  devices(uid: string): DeviceInfo[] {
    const all = [...(this.local.get(uid)?.values() ?? [])];
    for (const users of this.remote.values()) all.push(...(users.get(uid) ?? []));
    return all;
  }

  isOnline(uid: string): boolean {
    if (this.local.has(uid)) return true;
    for (const users of this.remote.values()) if (users.has(uid)) return true;
    return false;
  }

  /**
   * A node declared dead was only stalled and beats again. Meanwhile logins here did not wait for its
   * ack, and it forgot this node's devices if it declared this node dead in turn: so the others send
   * their snapshots again, and once it acknowledges this node's news so far, this node's clients
   * resync (`sync.required`), catching what it published without knowing of their devices.
   */
  nodeBack(node: string): void {
    this.router.broadcast(HelloEvent, this.router.nodeName);
    this.sendSnapshot();
    const seq = this.newsSeq;
    if ((this.ackedBy.get(node) ?? 0) >= seq) return;
    this.waiters.add({ seq, peers: new Set([node]), resolve: () => this.router.requestResync() });
  }

  /** Forgets what a dead node had connected. */
  nodeDied(node: string): void {
    const users = this.remote.get(node);
    this.remote.delete(node);
    this.incoming.delete(node);
    this.departing.delete(node);
    this.ackedBy.delete(node);
    this.snapshotted.delete(node);
    this.heardBy(node, Number.POSITIVE_INFINITY);
    for (const uid of users?.keys() ?? []) this.onChange(uid, 'node-gone');
  }

  /** This node is stopping: the others take what it says next (its users leaving) as its users going with it. */
  depart(): void {
    this.router.broadcast(ByeEvent, this.router.nodeName);
  }

  /** No other node is known to be running (none has told of its connections, or all went). */
  get alone(): boolean {
    for (const node of this.remote.keys()) if (!this.departing.has(node)) return false;
    return true;
  }

  /**
   * Whether this node speaks for the users of nodes that went: the running node with the lowest name
   * does, so that one node (not every one that saw it) reports them.
   */
  speaksForGoneNodes(): boolean {
    const me = this.router.nodeName;
    for (const node of this.remote.keys()) if (!this.departing.has(node) && node < me) return false;
    return true;
  }

  close(): void {
    clearInterval(this.timer);
    for (const waiter of this.waiters) waiter.resolve();
    this.waiters.clear();
  }

  private localChanged(uid: string): void {
    const news: DevicesNews = {
      node: this.router.nodeName,
      uid,
      devices: [...(this.local.get(uid)?.values() ?? [])],
      seq: ++this.newsSeq,
    };
    this.router.broadcast(DevicesEvent, news);
    this.onChange(uid, 'local');
  }

  private applyDevices(news: DevicesNews): void {
    const users = this.remote.get(news.node) ?? new Map<string, DeviceInfo[]>();
    this.remote.set(news.node, users);
    if (news.devices.length) users.set(news.uid, news.devices);
    else users.delete(news.uid);
    if (news.seq !== undefined) this.queueAck(news.node, news.seq);
    this.onChange(news.uid, this.departing.has(news.node) ? 'node-gone' : 'remote');
  }

  /** Acks go out batched: a burst of connections elsewhere costs one ack per burst, not one each. */
  private queueAck(node: string, seq: number): void {
    const flush = this.ackQueue.size === 0;
    this.ackQueue.set(node, Math.max(seq, this.ackQueue.get(node) ?? 0));
    if (!flush) return;
    setImmediate(() => {
      const acks = [...this.ackQueue];
      this.ackQueue.clear();
      this.router.broadcast(AckEvent, { node: this.router.nodeName, acks } satisfies AckNews);
    });
  }

  private applyAck(news: AckNews): void {
    for (const [node, seq] of news.acks) {
      if (node !== this.router.nodeName) continue;
      this.ackedBy.set(news.node, Math.max(seq, this.ackedBy.get(news.node) ?? 0));
      this.heardBy(news.node, seq);
    }
  }

  /** `peer` knows this node's news up to `seq`: the waiters it satisfied go on. */
  private heardBy(peer: string, seq: number): void {
    for (const waiter of this.waiters) {
      if (waiter.seq > seq || !waiter.peers.delete(peer) || waiter.peers.size > 0) continue;
      this.waiters.delete(waiter);
      waiter.resolve();
    }
  }

  private applySnapshot(chunk: SnapshotChunk): void {
    let pending = this.incoming.get(chunk.node);
    if (!pending || pending.epoch !== chunk.epoch) {
      pending = { epoch: chunk.epoch, users: new Map() };
      this.incoming.set(chunk.node, pending);
    }
    for (const [uid, devices] of chunk.users) pending.users.set(uid, devices);
    if (!chunk.last) return;
    this.incoming.delete(chunk.node);
    this.snapshotted.add(chunk.node);
    const before = this.remote.get(chunk.node) ?? new Map<string, DeviceInfo[]>();
    this.remote.set(chunk.node, pending.users);
    for (const uid of new Set([...before.keys(), ...pending.users.keys()])) {
      if (before.has(uid) !== pending.users.has(uid)) this.onChange(uid, 'remote');
    }
  }

  private sendSnapshot(): void {
    const node = this.router.nodeName;
    const epoch = ++this.epoch;
    const entries = [...this.local].map(([uid, devices]): [string, DeviceInfo[]] => [uid, [...devices.values()]]);
    for (let i = 0; i === 0 || i < entries.length; i += SNAPSHOT_CHUNK) {
      const users = entries.slice(i, i + SNAPSHOT_CHUNK);
      this.router.broadcast(SnapshotEvent, { node, epoch, users, last: i + SNAPSHOT_CHUNK >= entries.length } satisfies SnapshotChunk);
    }
  }
}

import type { DeliveryRouter } from '../delivery/router.js';

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

const DevicesEvent = 'presence.devices';
const SnapshotEvent = 'presence.snapshot';
const HelloEvent = 'presence.hello';
const ByeEvent = 'presence.bye';
/** Users per snapshot message: keeps each bus message small. */
const SNAPSHOT_CHUNK = 500;

interface DevicesNews {
  node: string;
  uid: string;
  devices: DeviceInfo[];
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
 */
export class PresenceDirectory {
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

  constructor(
    private readonly router: DeliveryRouter,
    /** Called for every user whose devices may have changed (the caller checks what did). */
    private readonly onChange: (uid: string, cause: PresenceCause) => void,
    snapshotMs = 30_000,
  ) {
    router.onBroadcast(DevicesEvent, (data) => this.applyDevices(data as DevicesNews));
    router.onBroadcast(SnapshotEvent, (data) => this.applySnapshot(data as SnapshotChunk));
    router.onBroadcast(HelloEvent, (node) => {
      if (typeof node === 'string') this.departing.delete(node); // back after a stop
      this.sendSnapshot();
    });
    router.onBroadcast(ByeEvent, (node) => {
      if (typeof node === 'string') this.departing.add(node);
    });
    this.timer = setInterval(() => this.sendSnapshot(), snapshotMs);
    this.timer.unref();
    this.askForSnapshots();
  }

  /** Every other node sends its snapshot (at start, and after this node's bus lost messages). */
  askForSnapshots(): void {
    this.router.broadcast(HelloEvent, this.router.nodeName);
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

  /** Forgets what a dead node had connected. */
  nodeDied(node: string): void {
    const users = this.remote.get(node);
    this.remote.delete(node);
    this.incoming.delete(node);
    this.departing.delete(node);
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
  }

  private localChanged(uid: string): void {
    const news: DevicesNews = { node: this.router.nodeName, uid, devices: [...(this.local.get(uid)?.values() ?? [])] };
    this.router.broadcast(DevicesEvent, news);
    this.onChange(uid, 'local');
  }

  private applyDevices(news: DevicesNews): void {
    const users = this.remote.get(news.node) ?? new Map<string, DeviceInfo[]>();
    this.remote.set(news.node, users);
    if (news.devices.length) users.set(news.uid, news.devices);
    else users.delete(news.uid);
    this.onChange(news.uid, this.departing.has(news.node) ? 'node-gone' : 'remote');
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

import type { DeliveryRouter } from './router.js';

const AliveEvent = 'node.alive';

/**
 * Notices when another node dies. A node killed between a commit and its publish leaves stored
 * messages whose pushes never went out, and nothing later may reveal the gap to their recipients
 * (the sender's resend is a duplicate: stored already, so pushed by no one). So every node says it
 * is alive on the cluster topic each `intervalMs`, and when one falls silent for `deadAfterMs` the
 * others tell their clients `sync.required`: they pull what they missed, as after a reconnect.
 * A node merely stalled that long costs its peers' clients one resync, nothing more.
 */
export class NodeWatch {
  private readonly lastSeen = new Map<string, number>();
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly diedHandlers: Array<(node: string) => void> = [];
  private readonly backHandlers: Array<(node: string) => void> = [];
  /** Nodes declared dead that have not beaten since (a stalled one comes back). */
  private readonly declaredDead = new Set<string>();

  constructor(
    private readonly router: DeliveryRouter,
    intervalMs = 1000,
    private readonly deadAfterMs = 3500,
    private readonly clock: () => number = Date.now,
  ) {
    router.onBroadcast(AliveEvent, (data) => {
      if (typeof data !== 'string') return;
      this.lastSeen.set(data, this.clock());
      // Only stalled, then: it missed what happened meanwhile, and this node ignored it meanwhile.
      if (this.declaredDead.delete(data)) for (const handler of this.backHandlers) handler(data);
    });
    this.timer = setInterval(() => this.tick(), intervalMs);
    this.timer.unref();
  }

  /** @internal One beat: say this node is alive, and resync local clients if another went silent. */
  tick(): void {
    this.router.broadcast(AliveEvent, this.router.nodeName);
    const now = this.clock();
    const died: string[] = [];
    for (const [node, seen] of this.lastSeen) {
      if (now - seen < this.deadAfterMs) continue;
      this.lastSeen.delete(node);
      this.declaredDead.add(node);
      died.push(node);
    }
    if (died.length === 0) return;
    this.router.requestResync();
    for (const node of died) for (const handler of this.diedHandlers) handler(node);
  }

  /** Called with the node's name (`DeliveryRouter.nodeName`) when one falls silent. */
  onNodeDied(handler: (node: string) => void): void {
    this.diedHandlers.push(handler);
  }

  /** Called with a node's name when one declared dead beats again: it had only stalled. */
  onNodeBack(handler: (node: string) => void): void {
    this.backHandlers.push(handler);
  }

  /** The names of the nodes heard from lately. */
  peerNames(): string[] {
    return [...this.lastSeen.keys()];
  }

  /** Nodes heard from lately (tests). */
  get peers(): number {
    return this.lastSeen.size;
  }

  close(): void {
    clearInterval(this.timer);
  }
}

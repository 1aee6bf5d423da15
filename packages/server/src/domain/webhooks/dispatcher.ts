import type { WebhookConfig } from '../../config.js';
import type { Claim, StoredEvent, WebhookOutboxStore } from '../../ports/storage/index.js';
import { fitting, renderBody, type UnreadTotal } from './event-body.js';
import { postEvents } from './post.js';
import type { WebhookEndpoint } from './webhook-endpoint.js';

/** How often an idle node looks for events (other nodes' writes, retries coming due). */
const POLL_MS = 500;
/**
 * How long an idle node waits after its own writes told it of new events: the events of that moment
 * share a batch, and a busy send path (every batch made events) costs at most one look per this
 * long, also while every lane waits for a retry and there is nothing to claim.
 */
const NUDGE_DELAY_MS = 20;
/** How often a node reads the URL again on its own, in case a change's broadcast was lost. */
const REFRESH_MS = 5000;
/** Lanes per claim: two nodes' claims each find some, so both work while many lanes are busy. */
const MAX_LANES = 32;

/** What the loop logs: warnings only (on a worker thread they travel to the main thread's logger). */
export interface WarningLog {
  warn(fields: object, message: string): void;
}

export interface DispatcherDeps {
  store: WebhookOutboxStore;
  endpoint: WebhookEndpoint;
  config: WebhookConfig;
  /** This node's name on the leases: unique per live node, the same across its restarts (PARLEY_NODE_ID). */
  owner: string;
  unreadTotal: UnreadTotal;
  clock: () => number;
  log: WarningLog;
  onDelivered?: (events: number) => void;
  onFailed?: (died: number) => void;
}

/**
 * Each node's delivery loop: claims lanes of the outbox (a lease, so in a cluster one node delivers
 * each event), posts their oldest events as one signed batch, and on a 2xx deletes them; on anything
 * else (a status, a timeout, no connection) the lanes wait, with exponential backoff and jitter,
 * and their events keep their place, so a channel's later events wait behind a failing one; an event
 * older than PARLEY_WEBHOOK_MAX_AGE_SECONDS moves to the dead letters instead. Nothing here is on
 * the send path: a slow or dead receiver slows only this loop.
 */
export class WebhookDispatcher {
  private closed = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private nudged = false;
  private readonly inFlight = new AbortController();
  private lastRefresh = 0;

  constructor(private readonly deps: DispatcherDeps) {}

  /** Frees the leases a previous run of this node left (it died holding them), then loops until closed. */
  start(): void {
    this.loop ??= this.run();
  }

  /** New events were written here: look now rather than at the next poll. */
  nudge(): void {
    this.nudged = true;
    this.wake?.();
  }

  /** Stops the loop: a POST in flight is abandoned (its events go again later) and this node's leases freed. */
  async close(): Promise<void> {
    this.closed = true;
    this.inFlight.abort();
    this.wake?.();
    await this.loop;
    await this.deps.store.release(this.deps.owner).catch(() => {});
  }

  private async run(): Promise<void> {
    const { store, owner, log } = this.deps;
    await store.release(owner).catch((err: unknown) => log.warn({ err }, 'webhook: could not free the leases of a previous run'));
    while (!this.closed) {
      let more = false;
      try {
        await this.refreshEndpoint();
        const url = this.deps.endpoint.url;
        if (url) more = await this.round(url);
      } catch (err) {
        if (!this.closed) log.warn({ err }, 'webhook: delivery round failed');
      }
      if (!more && !this.closed) await this.idle();
    }
  }

  private async refreshEndpoint(): Promise<void> {
    const now = Date.now();
    if (now - this.lastRefresh < REFRESH_MS) return;
    this.lastRefresh = now;
    await this.deps.endpoint.refresh();
  }

  /** Waits for the poll interval, or a little after a nudge (see NUDGE_DELAY_MS), whichever comes first. */
  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const soon = () => {
        this.nudged = false;
        this.wake = undefined;
        clearTimeout(timer);
        timer = setTimeout(done, NUDGE_DELAY_MS);
      };
      let timer = setTimeout(done, POLL_MS);
      if (this.nudged || this.closed) soon();
      else this.wake = soon;
    });
  }

  /** One claim and its POST; true when there may be more to do at once. */
  private async round(url: string): Promise<boolean> {
    const { store, owner, config, clock } = this.deps;
    const claim = await store.claim(owner, clock(), {
      // Long enough for the POST and what follows it: no other node takes the lanes meanwhile.
      leaseMs: 2 * config.timeoutMs + 5000,
      maxLanes: MAX_LANES,
      maxEvents: config.batchEvents,
    });
    if (!claim.lanes.length) return false;
    const batch = fitting(claim.events, config.batchBytes);
    const lanes = [...new Set(batch.map((e) => e.lane))];
    const idle = claim.lanes.filter((lane) => !lanes.includes(lane));
    try {
      if (idle.length) await store.release(owner, idle);
      if (!batch.length) return false;
      await this.deliver(url, claim, batch, lanes);
      return true;
    } catch (err) {
      // Whatever went wrong here, the lanes should not wait out their lease.
      await store.release(owner, lanes).catch(() => {});
      throw err;
    }
  }

  private async deliver(url: string, claim: Claim, batch: StoredEvent[], lanes: number[]): Promise<void> {
    const { store, owner, config, clock, log } = this.deps;
    const body = await renderBody(batch, this.deps.unreadTotal);
    // Signed with the real time, whatever clock the server keeps: receivers compare it with theirs.
    const outcome = await postEvents(url, body, config.secret, config.timeoutMs, Date.now(), this.inFlight.signal);
    const positions = batch.map((e) => e.position);
    if (outcome.ok) {
      await store.delivered(owner, lanes, positions);
      this.deps.onDelivered?.(batch.length);
      return;
    }
    if (this.closed) return; // abandoned by close(): released there, not a failure of the receiver's
    const now = clock();
    const retryAt = now + backoffMs(claim.attempts, config.retryMinMs, config.retryMaxMs);
    const died = await store.failed(owner, lanes, positions, { now, retryAt, error: outcome.error, deadBefore: now - config.maxAgeMs });
    this.deps.onFailed?.(died);
    log.warn(
      { error: outcome.error, events: batch.length, attempt: claim.attempts + 1, retryInMs: retryAt - now, deadLetters: died },
      'webhook: delivery failed, will retry',
    );
  }
}

/**
 * The wait before the next attempt after `attempts` failed ones: min, doubling per attempt, at most
 * max; then a random half of it taken off (jitter), so lanes and nodes that failed together do not
 * come back together.
 */
export function backoffMs(attempts: number, minMs: number, maxMs: number, random = Math.random): number {
  const full = Math.min(maxMs, minMs * 2 ** Math.min(attempts, 30));
  return Math.round(full * (0.5 + random() / 2));
}

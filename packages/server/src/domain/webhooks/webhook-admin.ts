import { type DeadLetterPage, type DiscardResult, ParleyError, type ReplayResult, type WebhookStatus } from '@parley/protocol';
import { webhookUrlProblem } from '../../config.js';
import type { WebhookOutboxStore } from '../../ports/storage/index.js';
import { MASK, maskUrl } from '../admin/config-view.js';
import type { WebhookEndpoint } from './webhook-endpoint.js';

/** At most this many dead letters go back (or away) per call without ids: one bounded transaction. */
const REPLAY_ALL_LIMIT = 1000;

/** The admin API's view of the webhook: its URL (credentials masked), the outbox, the dead letters. */
export class WebhookAdmin {
  constructor(
    private readonly store: WebhookOutboxStore,
    private readonly endpoint: WebhookEndpoint,
    private readonly secretIsOwn: boolean,
    private readonly clock: () => number,
    /** New events to deliver (replayed): the dispatcher looks at once. */
    private readonly nudge: () => void,
  ) {}

  async status(): Promise<WebhookStatus> {
    await this.endpoint.refresh();
    const { url, source } = this.endpoint;
    const { pending, deadLetters, failing } = await this.store.status();
    return {
      url: url === undefined ? null : maskUrl(url).value,
      source,
      secret: MASK,
      secretSource: this.secretIsOwn ? 'PARLEY_WEBHOOK_SECRET' : 'PARLEY_APP_SECRET',
      pending,
      deadLetters,
      failing,
    };
  }

  /** A URL, '' (off), or null (PARLEY_WEBHOOK_URL again); every node follows within seconds. */
  async setUrl(url: string | null): Promise<WebhookStatus> {
    const problem = url ? webhookUrlProblem(url) : undefined;
    if (problem) throw new ParleyError('request.invalid', `url: ${problem}`);
    await this.endpoint.set(url ?? undefined, this.clock());
    this.nudge();
    return this.status();
  }

  async deadLetters(cursor: string | undefined, limit: number): Promise<DeadLetterPage> {
    const page = await this.store.deadLetters(cursor === undefined ? undefined : Number(cursor), limit + 1);
    const shown = page.slice(0, limit);
    return {
      deadLetters: shown.map((d) => ({
        id: d.id,
        type: d.type,
        createdAt: d.createdAt,
        diedAt: d.diedAt,
        lastError: d.lastError,
        data: JSON.parse(d.dataJson) as unknown,
      })),
      cursor: page.length > limit ? String(shown[shown.length - 1]?.position) : null,
    };
  }

  async replay(ids: readonly string[] | undefined): Promise<ReplayResult> {
    const replayed = await this.store.replay(ids, ids ? ids.length : REPLAY_ALL_LIMIT, this.clock());
    if (replayed) this.nudge();
    return { replayed, remaining: (await this.store.status()).deadLetters };
  }

  /** Dead letters the app has no use for (handled otherwise, or never to be delivered): deleted for good. */
  async discard(ids: readonly string[] | undefined): Promise<DiscardResult> {
    const discarded = await this.store.discard(ids, ids ? ids.length : REPLAY_ALL_LIMIT);
    return { discarded, remaining: (await this.store.status()).deadLetters };
  }
}

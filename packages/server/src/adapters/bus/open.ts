import type { Bus } from '../../ports/bus.js';
import { busKindOf } from './bus-url.js';
import { MemoryBus } from './memory.js';

/**
 * The bus `PARLEY_BUS_URL` names: unset is in process (one node), `redis://` Redis, `nats://` NATS.
 * Resolves once the broker answered; rejects with a `BusUnavailableError` when it does not.
 */
export async function openBus(url: string | undefined, prefix: string): Promise<Bus> {
  const kind = busKindOf(url);
  if (typeof kind === 'object') throw new Error(kind.error);
  if (kind === 'memory' || !url) return new MemoryBus();
  if (kind === 'redis') return (await import('./redis.js')).openRedisBus(url, prefix);
  return (await import('./nats.js')).openNatsBus(url, prefix);
}

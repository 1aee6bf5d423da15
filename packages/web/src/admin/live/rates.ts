import type { AdminStats } from '@parley/protocol';

/**
 * Per-second rates from two samples of the server's counters: the difference over the time between
 * them, by the server's clock. None until there are two samples; a counter that went down (the node
 * restarted between them) gives none rather than a negative rate.
 */
export function ratesOf(previous: AdminStats | undefined, latest: AdminStats): { accepted?: number; refused?: number } {
  if (!previous) return {};
  const seconds = (latest.at - previous.at) / 1000;
  const per = (a: number, b: number) => (seconds > 0 && b >= a ? (b - a) / seconds : undefined);
  return { accepted: per(previous.sends.accepted, latest.sends.accepted), refused: per(previous.sends.refused, latest.sends.refused) };
}

export const rateText = (rate: number | undefined): string =>
  rate === undefined ? '–' : rate < 10 ? rate.toFixed(1) : String(Math.round(rate));

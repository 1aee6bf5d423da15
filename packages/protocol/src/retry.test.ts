import { describe, expect, it } from 'vitest';
import { ErrorCatalogue } from './error-catalogue.js';
import { ReasonCode } from './reason-codes.js';
import { isRetryable, isRetryableReason } from './retry.js';

describe('isRetryable', () => {
  it('retries what a busy, stopping or failing server answers, and nothing a changed request would fix', () => {
    const retried = Object.keys(ErrorCatalogue).filter((code) => isRetryable(code));
    expect(retried).toEqual(['rate.limited', 'server.shutting_down', 'server.internal']);
  });

  it('judges a refused send by its reason code', () => {
    expect(isRetryable('message.refused', { reasonCode: ReasonCode.ReasonRateLimit })).toBe(true);
    expect(isRetryable('message.refused', { reasonCode: ReasonCode.ReasonInBlacklist })).toBe(false);
    expect(isRetryable('message.refused', {})).toBe(false);
    expect(isRetryable('message.refused')).toBe(false);
    expect(isRetryableReason(ReasonCode.ReasonSuccess)).toBe(false);
  });

  it('does not retry a code it does not know (a newer server may send one)', () => {
    expect(isRetryable('something.new')).toBe(false);
    expect(isRetryable('__proto__')).toBe(false);
  });
});

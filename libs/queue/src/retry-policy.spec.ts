import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY } from './federation-queue';
import { retryDelayMs } from './retry-policy';

describe('retryDelayMs', () => {
  const policy = { maxAttempts: 5, initialDelayMs: 1_000, maxDelayMs: 10_000 };

  it('doubles per attempt, with jitter between half and all of the step', () => {
    expect(retryDelayMs(1, policy, () => 1)).toBe(1_000);
    expect(retryDelayMs(1, policy, () => 0)).toBe(500);
    expect(retryDelayMs(3, policy, () => 1)).toBe(4_000);
  });

  it('is capped', () => {
    expect(retryDelayMs(30, policy, () => 1)).toBe(10_000);
    expect(retryDelayMs(2_000, DEFAULT_RETRY_POLICY, () => 1)).toBe(12 * 3_600_000);
  });
});

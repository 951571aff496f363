import { describe, expect, it } from 'vitest';
import { OUTBOX_RETRY_POLICY } from '@fediflow/queue/federation';
import { fedifyRetryPolicy } from './retry-backoff';

describe('fedifyRetryPolicy', () => {
  const DAY_MS = 24 * 3_600_000;

  /** Total wait of every retry Fedify would schedule, and how many deliveries that makes. */
  function schedule(random: () => number): { totalMs: number; deliveries: number } {
    const policy = fedifyRetryPolicy(OUTBOX_RETRY_POLICY, random);
    let totalMs = 0;
    let attempts = 0;
    for (;;) {
      const delay = policy({ attempts, elapsedTime: undefined as never });
      if (delay === null) break;
      totalMs += delay.total({ unit: 'millisecond' });
      attempts += 1;
    }
    return { totalMs, deliveries: attempts + 1 };
  }

  it('keeps retrying outgoing deliveries for days, then gives up', () => {
    const shortest = schedule(() => 0);
    const longest = schedule(() => 1);
    expect(shortest.deliveries).toBe(OUTBOX_RETRY_POLICY.maxAttempts);
    expect(shortest.totalMs).toBeGreaterThan(2 * DAY_MS);
    expect(longest.totalMs).toBeLessThan(5 * DAY_MS);
  });

  it('starts at a minute and doubles (Fedify counts attempts from 0)', () => {
    const policy = fedifyRetryPolicy(OUTBOX_RETRY_POLICY, () => 1);
    const ms = (attempts: number) =>
      policy({ attempts, elapsedTime: undefined as never })!.total({ unit: 'millisecond' });
    expect(ms(0)).toBe(60_000);
    expect(ms(1)).toBe(120_000);
    expect(ms(12)).toBe(12 * 3_600_000);
  });
});

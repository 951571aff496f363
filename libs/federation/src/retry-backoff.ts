import type { RetryPolicy as FedifyRetryPolicy } from '@fedify/fedify';
import { millisecondsDuration } from './temporal';

export interface RetryPolicy {
  /** Deliveries before a message goes to the dead letters (a lease that expires counts as one). */
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

/** Fedify's own defaults (`createExponentialBackoffPolicy`): 1 s doubling up to 12 h, 10 tries. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 10,
  initialDelayMs: 1_000,
  maxDelayMs: 12 * 60 * 60 * 1_000,
};

/**
 * Outgoing deliveries. Fedify's default gives up after 10 tries within about half an hour, which
 * loses every activity to a server that is down for an afternoon; this one keeps trying for days
 * (1 min doubling to a 12 h cap, 18 tries: 2.3 to 4.7 days depending on the jitter), as Mastodon
 * does. A host that is down altogether is held back by the circuit breaker meanwhile, so these
 * retries cost nothing while its circuit is open.
 */
export const OUTBOX_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 18,
  initialDelayMs: 60_000,
  maxDelayMs: 12 * 60 * 60 * 1_000,
};

/**
 * Delay before the next delivery after `attempt` (1-based) failed: exponential, capped, with
 * jitter in [½, 1] of the step so that many messages failing together do not return together.
 */
export function retryDelayMs(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const step = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + (step / 2) * random());
}

/**
 * `policy` as Fedify's `outboxRetryPolicy`. Fedify counts `attempts` from 0 (the first delivery
 * failed) and gives up when the policy answers null: after `maxAttempts` deliveries in all.
 */
export function fedifyRetryPolicy(
  policy: RetryPolicy,
  random: () => number = Math.random,
): FedifyRetryPolicy {
  return ({ attempts }) => {
    const failed = attempts + 1;
    if (failed >= policy.maxAttempts) return null;
    return millisecondsDuration(retryDelayMs(failed, policy, random));
  };
}

/** Retries of a queue that is not BullMQ (Fedify's queue runs on the federation adapters). */
export interface RetryPolicy {
  /** Deliveries before a message goes to the dead letters (a lease that expires counts as one). */
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

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

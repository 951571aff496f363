import type { RetryPolicy as FedifyRetryPolicy } from '@fedify/fedify';
import { retryDelayMs, type RetryPolicy } from '@fediflow/queue/federation';
import { millisecondsDuration } from './temporal';

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

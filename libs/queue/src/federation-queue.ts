import type { RetryPolicy } from './retry-policy';

/**
 * Fedify's queue (inbox activities and outgoing deliveries) below the federation key prefix. It
 * runs on the federation adapters' Redis queue, not BullMQ, but its policy lives here with the
 * other queues'.
 */
export const FEDERATION_QUEUE_NAME = 'federation';

/** Messages (deliveries, inbox activities) one worker process handles at once. */
export const FEDERATION_QUEUE_CONCURRENCY = 64;

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

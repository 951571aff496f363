import type { InboxOutcome } from '../inbox';

/**
 * What became of one outgoing delivery attempt: `delivered`; `failed_retry` (Fedify re-queued it
 * with a back-off); `failed_permanent` (given up: a 4xx other than 408/429, retries exhausted, or its host
 * unreachable for too long); `blocked` (the domain is blocked: dropped, never sent);
 * `deferred_circuit` (its host's circuit is open: re-queued for later, no attempt spent).
 */
export type DeliveryOutcome =
  'delivered' | 'failed_retry' | 'failed_permanent' | 'blocked' | 'deferred_circuit';

/** What became of an inbound activity (the inbox handlers' `onProcessed`). */
export type InboundOutcome = InboxOutcome;

/** Told of every outcome; the workers count them in Prometheus metrics. */
export interface DeliveryObserver {
  delivery(outcome: DeliveryOutcome): void;
  inbound(activityType: string, outcome: InboundOutcome): void;
}

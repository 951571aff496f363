/**
 * Answers after which a delivery is given up rather than retried: every 4xx but 408 (Request
 * Timeout) and 429 (Too Many Requests), which both say "try later". A server that refuses an
 * activity (400), its signature (401) or its sender (403) refuses it again tomorrow, so retrying
 * for days (`OUTBOX_RETRY_POLICY`) only spends its and our requests. 5xx and transport errors
 * are transient and retried.
 */
export const PERMANENT_DELIVERY_STATUS_CODES: readonly number[] = Array.from(
  { length: 100 },
  (_, index) => 400 + index,
).filter((status) => status !== 408 && status !== 429);

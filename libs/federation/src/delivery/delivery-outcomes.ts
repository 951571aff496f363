/**
 * What became of one outgoing delivery attempt: `delivered`; `failed_retry` (Fedify re-queued it
 * with a back-off); `failed_permanent` (given up: 404/410, retries exhausted, or its host
 * unreachable for too long); `blocked` (the domain is blocked: dropped, never sent);
 * `deferred_circuit` (its host's circuit is open: re-queued for later, no attempt spent).
 */
export type DeliveryOutcome =
  'delivered' | 'failed_retry' | 'failed_permanent' | 'blocked' | 'deferred_circuit';

/** An inbound activity's processing on the queue: done, or failed (retried or given up). */
export type InboundOutcome = 'success' | 'failure';

/** Told of every outcome; the workers count them in Prometheus metrics. */
export interface DeliveryObserver {
  delivery(outcome: DeliveryOutcome): void;
  inbound(activityType: string, outcome: InboundOutcome): void;
}

/**
 * Label values for inbound activity types. The type comes from the remote, so anything outside
 * ActivityStreams' activity vocabulary is reported as `other` (bounded label cardinality).
 */
const ACTIVITY_TYPES = new Set([
  'Accept',
  'Add',
  'Announce',
  'Arrive',
  'Block',
  'Create',
  'Delete',
  'Dislike',
  'Flag',
  'Follow',
  'Ignore',
  'Invite',
  'Join',
  'Leave',
  'Like',
  'Listen',
  'Move',
  'Offer',
  'Question',
  'Read',
  'Reject',
  'Remove',
  'TentativeAccept',
  'TentativeReject',
  'Travel',
  'Undo',
  'Update',
  'View',
  'EmojiReact',
]);

/** The activity type of a queued inbound JSON-LD activity, as a bounded label value. */
export function activityTypeLabel(activity: unknown): string {
  if (typeof activity !== 'object' || activity === null) return 'other';
  const record = activity as Record<string, unknown>;
  const raw = record.type ?? record['@type'];
  const type = Array.isArray(raw) ? raw[0] : raw;
  if (typeof type !== 'string') return 'other';
  // Expanded forms (`https://www.w3.org/ns/activitystreams#Follow`) name the same types.
  const name = type.slice(type.lastIndexOf('#') + 1);
  return ACTIVITY_TYPES.has(name) ? name : 'other';
}

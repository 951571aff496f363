/**
 * The ordering key of a queued inbound activity (Fedify's inbox message): its actor. The workers
 * handle many activities at once, but one actor's one at a time and in arrival order, so a
 * `Delete` never overtakes its `Create` nor an `Undo` its `Follow`. A retried activity is queued
 * again later and holds nothing back meanwhile.
 */
export function inboundOrderingKey(message: unknown): string | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const { type, activity } = message as { type?: unknown; activity?: unknown };
  if (type !== 'inbox' || typeof activity !== 'object' || activity === null) return undefined;
  const actor = (activity as { actor?: unknown }).actor;
  const id =
    typeof actor === 'string'
      ? actor
      : typeof actor === 'object' && actor !== null
        ? (actor as { id?: unknown }).id
        : undefined;
  return typeof id === 'string' && id !== '' ? `inbox ${id}` : undefined;
}

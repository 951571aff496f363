/**
 * Mastodon's notification types (Notification::TYPES). Filters name types as strings: ones not
 * listed here are ignored, as Mastodon ignores them, so clients that know newer types (`quote`,
 * `annual_report`, ...) keep working.
 */
export const NOTIFICATION_TYPES = new Set([
  'mention',
  'status',
  'reblog',
  'follow',
  'follow_request',
  'favourite',
  'poll',
  'update',
  'severed_relationships',
  'moderation_warning',
  'annual_report',
  'admin.sign_up',
  'admin.report',
  'quote',
  'quoted_update',
  'added_to_collection',
  'collection_update',
]);

/**
 * The types a `types[]` / `exclude_types[]` filter asks for (Mastodon's Notification.browserable):
 * the known ones among `types` (all when none given) minus `exclude_types`; undefined means all.
 */
export function requestedTypes(types: string[], excluded: string[]): string[] | undefined {
  const requested = types.length
    ? types.filter((type) => NOTIFICATION_TYPES.has(type))
    : [...NOTIFICATION_TYPES];
  const remaining = requested.filter((type) => !excluded.includes(type));
  return remaining.length === NOTIFICATION_TYPES.size ? undefined : [...new Set(remaining)];
}

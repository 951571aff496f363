/**
 * Mastodon's OAuth scopes: `read`/`write` grant every `read:*`/`write:*` sub-scope, and the legacy
 * `follow` scope grants the relationship sub-scopes.
 */
export const TOP_LEVEL_SCOPES = ['read', 'write', 'follow', 'push', 'profile'] as const;

const FOLLOW_GRANTS = new Set([
  'read:follows',
  'write:follows',
  'read:blocks',
  'write:blocks',
  'read:mutes',
  'write:mutes',
]);

const SUB_SCOPES = new Set([
  'read:accounts',
  'read:blocks',
  'read:bookmarks',
  'read:favourites',
  'read:filters',
  'read:follows',
  'read:lists',
  'read:mutes',
  'read:notifications',
  'read:search',
  'read:statuses',
  'write:accounts',
  'write:blocks',
  'write:bookmarks',
  'write:conversations',
  'write:favourites',
  'write:filters',
  'write:follows',
  'write:lists',
  'write:media',
  'write:mutes',
  'write:notifications',
  'write:reports',
  'write:statuses',
]);

export function isKnownScope(scope: string): boolean {
  return (TOP_LEVEL_SCOPES as readonly string[]).includes(scope) || SUB_SCOPES.has(scope);
}

/** Splits a space-separated scope string; `undefined` for an empty or unknown scope in it. */
export function parseScopes(value: string | undefined, fallback = 'read'): string[] | undefined {
  const scopes = (value?.trim() || fallback).split(/\s+/);
  return scopes.every(isKnownScope) ? [...new Set(scopes)] : undefined;
}

/** True when `granted` includes `required` directly or through a parent scope. */
export function grants(granted: readonly string[], required: string): boolean {
  if (granted.includes(required)) return true;
  const [parent] = required.split(':');
  if (parent && granted.includes(parent)) return true;
  return granted.includes('follow') && FOLLOW_GRANTS.has(required);
}

/** True when every scope of `requested` is allowed by `allowed` (an app's registered scopes). */
export function withinScopes(requested: readonly string[], allowed: readonly string[]): boolean {
  return requested.every((scope) => grants(allowed, scope));
}

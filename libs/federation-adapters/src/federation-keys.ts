import type { KvKey } from '@fedify/fedify';

/**
 * Where Fedify's state lives below the service's `REDIS_KEY_PREFIX`, e.g. `fediflow:fedify:`.
 * The KV store adds `kv:` and each queue `mq:{<name>}:`, so one prefix keeps them all together
 * (and an isolated test prefix removes them all).
 */
export function federationKeyPrefix(redisKeyPrefix: string): string {
  return `${redisKeyPrefix}:fedify:`;
}

export const DEFAULT_FEDERATION_KEY_PREFIX = federationKeyPrefix('fediflow');

// Segments may contain anything (Fedify puts URLs in keys), so `%` and the separator `:` are
// escaped; every other character stays readable in `redis-cli`.
const SEPARATOR = ':';

function encodeSegment(segment: string): string {
  return segment.replace(/%/g, '%25').replace(/:/g, '%3A');
}

function decodeSegment(segment: string): string {
  return segment.replace(/%(25|3A)/g, (_, code: string) => (code === '25' ? '%' : ':'));
}

/** `['a:b', 'c']` → `a%3Ab:c`: reversible, and a key prefix encodes to a string prefix. */
export function encodeKvKey(key: KvKey): string {
  return key.map(encodeSegment).join(SEPARATOR);
}

export function decodeKvKey(encoded: string): KvKey {
  const [first = '', ...rest] = encoded.split(SEPARATOR);
  return [decodeSegment(first), ...rest.map(decodeSegment)];
}

/** Escapes the characters `SCAN MATCH` treats as glob syntax. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (char) => `\\${char}`);
}

/**
 * Patterns for `SCAN MATCH` that find every key below `prefix` (whole segments, as Fedify's own
 * stores match): the key equal to the prefix is fetched directly, the longer ones match `<p>:*`.
 */
export function kvListPattern(storePrefix: string, prefix?: KvKey): string {
  if (!prefix) return `${escapeGlob(storePrefix)}*`;
  return `${escapeGlob(storePrefix + encodeKvKey(prefix) + SEPARATOR)}*`;
}

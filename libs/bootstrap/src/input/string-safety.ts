/**
 * PostgreSQL text cannot hold U+0000, so a NUL anywhere in input would fail deep in a query;
 * input carrying one is refused at the edge. Lone UTF-16 surrogates (from JSON `\ud800`
 * escapes) are not refused but replaced by U+FFFD, as UTF-8 encoding would do anyway.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The path (`status`, `poll.options.1`, key names included) of the first NUL, if any. */
export function findNul(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\0') ? path || '(value)' : undefined;
  if (!value || typeof value !== 'object' || Buffer.isBuffer(value)) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const itemPath = path ? `${path}.${key}` : key;
    if (key.includes('\0')) return itemPath;
    const found = findNul(item, itemPath);
    if (found) return found;
  }
  return undefined;
}

/** Replaces lone surrogates in every string of a parsed body, in place where possible. */
export function replaceLoneSurrogates<T>(value: T): T {
  if (typeof value === 'string') return value.replace(LONE_SURROGATE, '\ufffd') as T;
  if (!value || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) record[key] = replaceLoneSurrogates(record[key]);
  return value;
}

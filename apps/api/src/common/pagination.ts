import { z } from 'zod';
import { parseInput, snowflakeId } from './validation';

export interface Page {
  maxId?: string;
  sinceId?: string;
  minId?: string;
  limit: number;
}

const pageSchema = z.object({
  max_id: snowflakeId.optional(),
  since_id: snowflakeId.optional(),
  min_id: snowflakeId.optional(),
  limit: z.coerce.number().int().min(1).default(20),
});

/** Mastodon pagination parameters; `limit` is clamped to `maxLimit` (40 for most endpoints). */
export function parsePage(query: unknown, maxLimit = 40): Page {
  const parsed = parseInput(pageSchema, query);
  return {
    maxId: parsed.max_id,
    sinceId: parsed.since_id,
    minId: parsed.min_id,
    limit: Math.min(parsed.limit, maxLimit),
  };
}

/**
 * SQL conditions for a page over a snowflake column: `max_id` is exclusive from above,
 * `since_id`/`min_id` exclusive from below; `min_id` pages forward (oldest first), so the caller
 * orders ascending in that case and reverses the rows. Parameters are appended to `params`.
 */
export function pageConditions(
  column: string,
  page: Page,
  params: unknown[],
): { where: string; ascending: boolean } {
  const conditions: string[] = [];
  if (page.maxId) conditions.push(`${column} < $${params.push(page.maxId)}`);
  const lower = page.minId ?? page.sinceId;
  if (lower) conditions.push(`${column} > $${params.push(lower)}`);
  return {
    where: conditions.length ? conditions.join(' AND ') : 'TRUE',
    ascending: page.minId !== undefined,
  };
}

/**
 * The `Link` header clients follow: `next` pages back in time from the oldest item, `prev`
 * forward from the newest. Empty pages get no header.
 */
export function linkHeader(
  baseUrl: string,
  query: Record<string, unknown>,
  ids: readonly string[],
): string | undefined {
  if (ids.length === 0) return undefined;
  const keep = Object.entries(query).filter(
    ([key]) => !['max_id', 'min_id', 'since_id'].includes(key),
  );
  const link = (key: string, id: string) => {
    const url = new URL(baseUrl);
    for (const [k, v] of keep) {
      for (const item of Array.isArray(v) ? v : [v]) url.searchParams.append(k, String(item));
    }
    url.searchParams.set(key, id);
    return url.toString();
  };
  const newest = ids.reduce((a, b) => (BigInt(a) > BigInt(b) ? a : b));
  const oldest = ids.reduce((a, b) => (BigInt(a) < BigInt(b) ? a : b));
  return `<${link('max_id', oldest)}>; rel="next", <${link('min_id', newest)}>; rel="prev"`;
}

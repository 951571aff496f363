import { z } from 'zod';
import { ApiError, ErrorCode } from './api-error';

/**
 * Parses request input (query, form or JSON body) with a schema at the edge; the first problem
 * becomes a 422 naming the field, Mastodon style.
 */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const details: Record<string, { error: string; description: string }[]> = {};
  for (const issue of result.error.issues) {
    const field = issue.path.map(String).join('.') || 'request';
    (details[field] ??= []).push({ error: 'ERR_INVALID', description: issue.message });
  }
  const [first] = result.error.issues;
  const field = first?.path.map(String).join('.') || 'request';
  throw new ApiError(
    ErrorCode.Validation,
    `Validation failed: ${field} ${first?.message ?? 'is invalid'}`,
    details,
  );
}

/** Form posts send booleans as strings; JSON sends real booleans. Both are accepted. */
export const formBoolean = z.preprocess((value) => {
  if (value === 'true' || value === '1' || value === 'on') return true;
  if (value === 'false' || value === '0' || value === '') return false;
  return value;
}, z.boolean());

const MAX_BIGINT = 9_223_372_036_854_775_807n;

/** Whether `value` is a decimal id PostgreSQL's bigint can hold. */
/** A decimal id that fits PostgreSQL's bigint (larger ones would fail there, as a 500). */
export function isBigintId(value: string): boolean {
  return /^\d{1,19}$/.test(value) && BigInt(value) <= MAX_BIGINT;
}

/**
 * Mastodon ids: decimal strings of a 64-bit integer. In a query (`max_id=…`) anything else is a
 * 422 naming the parameter; in a path, `parseId` makes it a 404. Never a 500 from PostgreSQL.
 */
export const snowflakeId = z.string().refine(isBigintId, 'must be an id (a 64-bit integer)');

export function parseId(value: string, what = 'Record'): string {
  if (!isBigintId(value)) throw ApiError.notFound(what);
  return value;
}

/** `id[]=1&id[]=2`, `id=1`, or a JSON array: the ways clients send lists. */
export function listParam(input: Record<string, unknown>, name: string): unknown[] {
  const value = input[`${name}[]`] ?? input[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

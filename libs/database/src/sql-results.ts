/**
 * TypeORM's PostgreSQL driver answers UPDATE and DELETE with `[rows, affectedCount]` but INSERT
 * and SELECT with the rows alone; these read either shape without guessing at each call site.
 */
export function modifiedRows<T>(result: unknown): T[] {
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  ) {
    return result[0] as T[];
  }
  return result as T[];
}

export function affectedCount(result: unknown): number {
  if (Array.isArray(result) && result.length === 2 && typeof result[1] === 'number')
    return result[1];
  return Array.isArray(result) ? result.length : 0;
}

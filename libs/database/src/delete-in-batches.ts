import type { DataSource } from 'typeorm';
import { affectedCount } from './sql-results';

/**
 * Deletes the rows of `table` that `where` selects (parameters `$1`…), `batchSize` at a time so
 * that no statement holds many row locks for long; for retention clean-ups of history tables.
 * `table` and `where` are trusted SQL written by the caller, never input.
 */
export async function deleteInBatches(
  db: DataSource,
  table: string,
  where: string,
  parameters: unknown[],
  batchSize = 5_000,
): Promise<{ deleted: number }> {
  const limit = `$${parameters.length + 1}`;
  let deleted = 0;
  for (;;) {
    const count = affectedCount(
      await db.query(
        `DELETE FROM ${table} WHERE id IN (SELECT id FROM ${table} WHERE ${where} LIMIT ${limit})`,
        [...parameters, batchSize],
      ),
    );
    deleted += count;
    if (count < batchSize) return { deleted };
  }
}

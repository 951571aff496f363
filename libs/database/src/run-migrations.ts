import type { DataSource } from 'typeorm';

/** Any fixed 64-bit key works; it only has to be the same for every migrating process. */
const MIGRATION_LOCK_KEY = 4_242_001;

/**
 * Applies pending migrations under a PostgreSQL advisory lock, so two rollouts starting at once
 * cannot race; the second one waits and then finds nothing to do. Returns the names applied.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.release();
  }
}

/** Names of migrations the database has not applied yet (empty when the schema is current). */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  const rows: { name: string }[] = await dataSource
    .query(`SELECT name FROM typeorm_migrations`)
    .catch((error: unknown) => {
      if (isUndefinedTable(error)) return [];
      throw error;
    });
  const applied = new Set(rows.map((row) => row.name));
  return dataSource.migrations
    .map((m) => m.name ?? m.constructor.name)
    .filter((n) => !applied.has(n));
}

function isUndefinedTable(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === '42P01';
}

import { createDataSource, runMigrations } from '@fediflow/database';
import { isolatedInfrastructure, type IsolatedInfrastructure } from '@fediflow/testing';
import type { DataSource } from 'typeorm';

export interface MigratedDatabase {
  /** The suite's own database and Redis key prefix (`infra.env` for a service under test). */
  infra: IsolatedInfrastructure;
  /** Connected to `infra.database`, with FediFlow's migrations applied. */
  db: DataSource;
  /** Closes `db`, then drops the database and clears the Redis prefix. */
  release(): Promise<void>;
}

/**
 * For `beforeAll` of an integration suite: a fresh database with the schema the services run on
 * (through the same `runMigrations` as the `migrate` command), and a Redis key prefix.
 */
export async function migratedDatabase(label: string): Promise<MigratedDatabase> {
  const infra = await isolatedInfrastructure(label);
  const db = createDataSource({ url: infra.database.url, applicationName: `${label}-test` });
  try {
    await db.initialize();
    await runMigrations(db);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    await infra.release();
    throw error;
  }
  return {
    infra,
    db,
    release: async () => {
      await db.destroy();
      await infra.release();
    },
  };
}

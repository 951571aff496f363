import { loadConfigOrExit } from '@fediflow/config';
import { createDataSource, runMigrations } from '@fediflow/database';
import { createLogger } from '@fediflow/observability';

/**
 * One-shot schema migration: the Kubernetes pre-rollout Job and `npm run db:migrate` both run
 * this bundle. Idempotent; concurrent runs serialise on an advisory lock. Exit 0 when the schema
 * is current, 1 (with the reason logged) otherwise.
 */
async function migrate(): Promise<void> {
  const config = loadConfigOrExit('migrate');
  const logger = createLogger({ service: 'migrate', level: config.LOG_LEVEL });
  const dataSource = createDataSource({
    url: config.DATABASE_URL,
    applicationName: 'fediflow-migrate',
    poolSize: 2,
  });
  try {
    await dataSource.initialize();
    const applied = await runMigrations(dataSource);
    logger.info(
      { applied },
      applied.length > 0 ? `applied ${applied.length} migration(s)` : 'schema already up to date',
    );
  } catch (error) {
    logger.fatal(
      { err: error },
      `migration failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exitCode = 1;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
  }
}

void migrate();

import { isolatedInfrastructure, type IsolatedInfrastructure } from '@fediflow/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataSource } from './data-source';
import { migrations } from './migrations';
import { pendingMigrations, runMigrations } from './run-migrations';

describe('runMigrations against PostgreSQL', () => {
  let infra: IsolatedInfrastructure;

  beforeAll(async () => {
    infra = await isolatedInfrastructure('migrations');
  });
  afterAll(async () => {
    await infra.release();
  });

  async function withDataSource<T>(work: (ds: ReturnType<typeof createDataSource>) => Promise<T>) {
    const dataSource = createDataSource({
      url: infra.database.url,
      applicationName: 'migration-test',
    });
    await dataSource.initialize();
    try {
      return await work(dataSource);
    } finally {
      await dataSource.destroy();
    }
  }

  it('reports every migration as pending on an empty database', async () => {
    const pending = await withDataSource(pendingMigrations);
    expect(pending).toEqual(migrations.map((migration) => migration.name));
  });

  it('applies all migrations concurrently started runs exactly once, then nothing', async () => {
    const [first, second] = await Promise.all([
      withDataSource(runMigrations),
      withDataSource(runMigrations),
    ]);
    expect([...first, ...second]).toEqual(migrations.map((migration) => migration.name));
    expect(await withDataSource(runMigrations)).toEqual([]);
    expect(await withDataSource(pendingMigrations)).toEqual([]);
  });

  it('creates the job_runs table with its once-per-interval constraint', async () => {
    await withDataSource(async (dataSource) => {
      const scheduledFor = new Date('2026-01-01T00:05:00Z');
      await dataSource.query(`INSERT INTO job_runs (job, scheduled_for) VALUES ('digest', $1)`, [
        scheduledFor,
      ]);
      await expect(
        dataSource.query(`INSERT INTO job_runs (job, scheduled_for) VALUES ('digest', $1)`, [
          scheduledFor,
        ]),
      ).rejects.toMatchObject({ code: '23505' });
      await expect(
        dataSource.query(
          `INSERT INTO job_runs (job, scheduled_for, outcome) VALUES ('x', now(), 'bogus')`,
        ),
      ).rejects.toMatchObject({ code: '23514' });
    });
  });

  it('reverts every migration cleanly and re-applies them', async () => {
    await withDataSource(async (dataSource) => {
      for (let i = 0; i < migrations.length; i++)
        await dataSource.undoLastMigration({ transaction: 'each' });
      const tables: { n: number }[] = await dataSource.query(
        `SELECT count(*)::int AS n FROM information_schema.tables
          WHERE table_schema = 'public' AND table_name <> 'typeorm_migrations'`,
      );
      expect(tables[0]?.n).toBe(0);
    });
    expect(await withDataSource(runMigrations)).toEqual(
      migrations.map((migration) => migration.name),
    );
  });
});

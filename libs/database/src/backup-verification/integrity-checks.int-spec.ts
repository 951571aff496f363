import { isolatedInfrastructure, type IsolatedInfrastructure } from '@fediflow/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataSource } from '../data-source';
import { checkDatabaseIntegrity } from './integrity-checks';
import { runMigrations } from '../run-migrations';

describe('checkDatabaseIntegrity against PostgreSQL', () => {
  let infra: IsolatedInfrastructure;
  let client: pg.Client;

  beforeAll(async () => {
    infra = await isolatedInfrastructure('integrity');
    const dataSource = createDataSource({ url: infra.database.url, applicationName: 'integrity' });
    await dataSource.initialize();
    await runMigrations(dataSource);
    await dataSource.destroy();
    client = new pg.Client({ connectionString: infra.database.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await infra?.release();
  });

  it('finds nothing in a consistent database and says what it checked', async () => {
    await client.query(`INSERT INTO accounts (username, statuses_count) VALUES ('alice', 0)`);
    const result = await checkDatabaseIntegrity(client);
    expect(result.findings).toEqual([]);
    expect(result.rowCounts['accounts']).toBe(1);
    expect(result.checks.join('\n')).toMatch(/foreign keys: \d+ constraints/);
    expect(result.checks.join('\n')).toMatch(/amcheck: \d+ heaps .*, \d+ B-tree indexes/);
  });

  it('reports a counter that differs from COUNT(*)', async () => {
    await client.query(`UPDATE accounts SET statuses_count = 3 WHERE username = 'alice'`);
    const { findings } = await checkDatabaseIntegrity(client);
    expect(findings).toEqual([
      {
        check: 'counters',
        detail: expect.stringMatching(/^accounts\.statuses_count: 1 rows differ .*: 3 ≠ 0\)$/),
      },
    ]);
  });

  it('reports orphans of a foreign key that was not enforced', async () => {
    await client.query(`UPDATE accounts SET statuses_count = 0`);
    // As a restore from a broken backup could leave them: rows whose referent is missing.
    await client.query(`SET session_replication_role = replica`);
    try {
      await client.query(
        `INSERT INTO statuses (account_id, local, visibility) VALUES (424242, false, 'public')`,
      );
    } finally {
      await client.query(`SET session_replication_role = DEFAULT`);
    }
    const { findings } = await checkDatabaseIntegrity(client);
    expect(findings.filter((f) => f.check === 'foreign keys')).toEqual([
      {
        check: 'foreign keys',
        detail: expect.stringMatching(/^statuses_account_id_fkey: 1 orphans$/),
      },
    ]);
  });
});

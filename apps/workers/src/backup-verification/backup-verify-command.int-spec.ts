import { createDataSource, runMigrations } from '@fediflow/database';
import { freePort, isolatedInfrastructure, type IsolatedInfrastructure } from '@fediflow/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBackupVerify } from './backup-verify-command';

// The scratch copy is a migrated database on the test server, as a restore would leave it.
describe('backup-verify against PostgreSQL', () => {
  let infra: IsolatedInfrastructure;
  let client: pg.Client;
  let statusId: string;

  beforeAll(async () => {
    infra = await isolatedInfrastructure('backup-verify');
    const dataSource = createDataSource({ url: infra.database.url, applicationName: 'bv' });
    await dataSource.initialize();
    await runMigrations(dataSource);
    await dataSource.destroy();
    client = new pg.Client({ connectionString: infra.database.url });
    await client.connect();
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO accounts (username, statuses_count) VALUES ('alice', 1) RETURNING id`,
    );
    const inserted = await client.query<{ id: string }>(
      `INSERT INTO statuses (account_id, local, visibility) VALUES ($1, true, 'public') RETURNING id`,
      [rows[0]!.id],
    );
    statusId = inserted.rows[0]!.id;
  });
  afterAll(async () => {
    await client?.end();
    await infra?.release();
  });

  it('passes a consistent, recent copy and reports the success metrics', async () => {
    const outcome = await runBackupVerify({ connect: async () => client, maxDataAgeHours: 26 });
    const line = JSON.parse(outcome.line) as { findings: unknown[]; metrics: string };
    expect(line.findings).toEqual([]);
    expect(outcome.exitCode).toBe(0);
    expect(line.metrics).toContain('fediflow_backup_verify_success 1\n');
    expect(line.metrics).toMatch(/fediflow_backup_verify_last_success_timestamp_seconds \d+\n/);
  });

  it('fails a copy whose newest status is older than the limit', async () => {
    await client.query(`UPDATE statuses SET created_at = now() - interval '3 days' WHERE id = $1`, [
      statusId,
    ]);
    const outcome = await runBackupVerify({ connect: async () => client, maxDataAgeHours: 26 });
    const line = JSON.parse(outcome.line) as { findings: { check: string }[]; metrics: string };
    expect(outcome.exitCode).toBe(1);
    expect(line.findings.map((f) => f.check)).toEqual(['freshness']);
    expect(line.metrics).toContain('fediflow_backup_verify_success 0\n');
    expect(line.metrics).not.toContain('last_success_timestamp');
  });

  it('fails when the scratch copy cannot be reached', async () => {
    const unreachable = new pg.Client({
      connectionString: `postgres://postgres@127.0.0.1:${await freePort()}/none`,
    });
    const outcome = await runBackupVerify({
      connect: async () => {
        await unreachable.connect();
        return unreachable;
      },
      maxDataAgeHours: 26,
    });
    expect(outcome.exitCode).toBe(1);
    expect(JSON.parse(outcome.line)).toMatchObject({
      findings: [{ check: 'restore', detail: expect.stringContaining('unreachable') }],
    });
  });
});

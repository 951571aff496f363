import { BackupClient, PutRestoreValidationResultCommand } from '@aws-sdk/client-backup';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { freePort } from '@fediflow/testing';
import { migratedDatabase, type MigratedDatabase } from '@fediflow/testing/fixtures';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { validateRestore, type RestoreValidationDependencies } from './restore-validation';
import { PLAN_ARN, RESTORED_ARN, restoreJobEvent } from './restore-validation.testing';

// The "restored instance" is a migrated database on the test server: RDS answers with its
// endpoint, while DATABASE_URL (production's) names a host that does not exist, so the handler
// must take the endpoint from RDS and only the credentials and database name from DATABASE_URL.
describe('restoreValidation against PostgreSQL', () => {
  const rds = mockClient(RDSClient);
  const backup = mockClient(BackupClient);
  let database: MigratedDatabase;
  let restored: URL;
  let deps: RestoreValidationDependencies;
  const lines: string[] = [];

  const answerWithEndpoint = (port: number) =>
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: RESTORED_ARN }).resolves({
      DBInstances: [{ Endpoint: { Address: restored.hostname, Port: port } }],
    });
  const reported = () =>
    backup.commandCalls(PutRestoreValidationResultCommand).map((call) => call.args[0].input);

  beforeAll(async () => {
    database = await migratedDatabase('restore-validation');
    restored = new URL(database.infra.database.url);
    const production = new URL(database.infra.database.url);
    production.hostname = 'production-primary.invalid';
    production.port = '5432';
    const [account] = await database.db.query<{ id: string }[]>(
      `INSERT INTO accounts (username, statuses_count) VALUES ('alice', 1) RETURNING id`,
    );
    await database.db.query(
      `INSERT INTO statuses (account_id, local, visibility) VALUES ($1, true, 'public')`,
      [account!.id],
    );
    deps = {
      config: {
        DATABASE_URL: production.toString(),
        DATABASE_CONNECT_TIMEOUT_MS: 2_000,
        RESTORE_TESTING_PLAN_ARN: PLAN_ARN,
        BACKUP_VERIFY_MAX_DATA_AGE_HOURS: 26,
      },
      rds: new RDSClient({ region: 'eu-west-1' }),
      backup: new BackupClient({ region: 'eu-west-1' }),
      write: (line) => lines.push(line),
    };
  });
  afterAll(async () => {
    rds.restore();
    backup.restore();
    await database?.release();
  });
  beforeEach(() => {
    rds.reset();
    backup.reset();
    backup.on(PutRestoreValidationResultCommand).resolves({});
    lines.length = 0;
  });

  it('runs the shared checks on the restored copy and reports SUCCESSFUL', async () => {
    answerWithEndpoint(Number(restored.port || 5432));
    const outcome = await validateRestore(restoreJobEvent(), deps);
    expect(outcome).toMatchObject({ status: 'SUCCESSFUL' });
    expect(reported()).toEqual([
      expect.objectContaining({ RestoreJobId: 'job-1', ValidationStatus: 'SUCCESSFUL' }),
    ]);
    const checked = JSON.parse(lines[0]!) as {
      checks: string[];
      rowCounts: Record<string, number>;
    };
    expect(checked.checks.join('\n')).toMatch(/amcheck: \d+ heaps/);
    expect(checked.rowCounts['statuses']).toBe(1);
  });

  it('reports FAILED with the finding when a counter differs from COUNT(*)', async () => {
    answerWithEndpoint(Number(restored.port || 5432));
    await database.db.query(`UPDATE accounts SET statuses_count = 5 WHERE username = 'alice'`);
    try {
      const outcome = await validateRestore(restoreJobEvent(), deps);
      expect(outcome.status).toBe('FAILED');
      expect(reported()[0]).toMatchObject({
        ValidationStatus: 'FAILED',
        ValidationStatusMessage: expect.stringMatching(
          /^1 findings: counters: accounts\.statuses_count: 1 rows differ .*5 ≠ 1/,
        ),
      });
    } finally {
      await database.db.query(`UPDATE accounts SET statuses_count = 1 WHERE username = 'alice'`);
    }
  });

  it('reports FAILED when nothing listens at the restored endpoint', async () => {
    answerWithEndpoint(await freePort());
    const outcome = await validateRestore(restoreJobEvent(), deps);
    expect(outcome).toMatchObject({
      status: 'FAILED',
      message: expect.stringContaining('unreachable'),
    });
    expect(reported()[0]?.ValidationStatus).toBe('FAILED');
  });
});

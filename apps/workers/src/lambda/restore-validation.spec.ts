import {
  BackupClient,
  ListRestoreJobsCommand,
  PutRestoreValidationResultCommand,
} from '@aws-sdk/client-backup';
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  METRICS_NAMESPACE,
  RECENCY_LOOKBACK_HOURS,
  reportValidationRecency,
  restoredCopyUrl,
  validateRestore,
  type RestoredDatabase,
  type RestoreValidationDependencies,
} from './restore-validation';
import { PLAN_ARN, RESTORED_ARN, restoreJobEvent } from './restore-validation.testing';

const rds = mockClient(RDSClient);
const backup = mockClient(BackupClient);

/**
 * Stands in for the restored copy: every check query answers with no rows (nothing wrong), the
 * freshness query with a status of a minute ago, and `counterDrift` makes the counter checks
 * report a difference.
 */
function fakeCopy(options: { counterDrift?: boolean } = {}): RestoredDatabase & { ended: boolean } {
  const copy = {
    ended: false,
    query: async (sql: string) => {
      if (sql.includes('max(created_at)'))
        return { rows: [{ newest: new Date(Date.now() - 60_000) }] };
      if (options.counterDrift && sql.includes('AS counted'))
        return { rows: [{ id: '7', stored: 3, counted: '0' }] };
      return { rows: [] };
    },
    end: async () => {
      copy.ended = true;
    },
  };
  return copy as RestoredDatabase & { ended: boolean };
}

function deps(overrides: Partial<RestoreValidationDependencies> = {}) {
  const lines: string[] = [];
  const opened: string[] = [];
  const copy = fakeCopy();
  const value: RestoreValidationDependencies = {
    config: {
      DATABASE_URL:
        'postgres://fediflow:secret@prod.example.internal:5432/fediflow?sslmode=require',
      DATABASE_CONNECT_TIMEOUT_MS: 1_000,
      RESTORE_TESTING_PLAN_ARN: PLAN_ARN,
      BACKUP_VERIFY_MAX_DATA_AGE_HOURS: 26,
    },
    rds: new RDSClient({ region: 'eu-west-1' }),
    backup: new BackupClient({ region: 'eu-west-1' }),
    write: (line) => lines.push(line),
    openDatabase: async (url) => {
      opened.push(url);
      return copy;
    },
    ...overrides,
  };
  return { value, lines, opened, copy };
}

const metricsOf = (lines: string[]) =>
  lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => '_aws' in line);

const reported = () =>
  backup.commandCalls(PutRestoreValidationResultCommand).map((call) => call.args[0].input);

describe('validateRestore', () => {
  beforeEach(() => {
    rds.reset();
    backup.reset();
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: RESTORED_ARN }).resolves({
      DBInstances: [
        {
          DBInstanceStatus: 'available',
          Endpoint: { Address: 'restored.example.internal', Port: 5433 },
        },
      ],
    });
    backup.on(PutRestoreValidationResultCommand).resolves({});
  });

  it('checks the restored instance with production credentials and reports SUCCESSFUL', async () => {
    const { value, lines, opened, copy } = deps();
    const outcome = await validateRestore(restoreJobEvent(), value);
    expect(outcome).toMatchObject({ status: 'SUCCESSFUL', restoreJobId: 'job-1' });
    expect(opened).toEqual([
      'postgres://fediflow:secret@restored.example.internal:5433/fediflow?sslmode=require',
    ]);
    expect(copy.ended).toBe(true);
    expect(reported()).toEqual([
      {
        RestoreJobId: 'job-1',
        ValidationStatus: 'SUCCESSFUL',
        ValidationStatusMessage: 'restored copy passed every integrity check',
      },
    ]);
    expect(metricsOf(lines)).toMatchObject({
      _aws: { CloudWatchMetrics: [{ Namespace: METRICS_NAMESPACE }] },
      RestoreTestingPlan: PLAN_ARN,
      Success: 1,
      Findings: 0,
    });
  });

  it('reports FAILED with the findings when the copy has integrity problems', async () => {
    const { value, lines } = deps({ openDatabase: async () => fakeCopy({ counterDrift: true }) });
    const outcome = await validateRestore(restoreJobEvent(), value);
    expect(outcome.status).toBe('FAILED');
    const [report] = reported();
    expect(report?.ValidationStatus).toBe('FAILED');
    expect(report?.ValidationStatusMessage).toMatch(
      /^6 findings: counters: accounts\.statuses_count: 1 rows differ/,
    );
    expect(metricsOf(lines)).toMatchObject({ Success: 0, Findings: 6 });
  });

  it('reports FAILED, without throwing, when the copy cannot be reached', async () => {
    const { value, lines } = deps({
      openDatabase: async () => {
        throw new Error('connect ETIMEDOUT 10.0.3.4:5433');
      },
    });
    const outcome = await validateRestore(restoreJobEvent(), value);
    expect(outcome).toMatchObject({
      status: 'FAILED',
      message: expect.stringContaining('unreachable: connect ETIMEDOUT'),
    });
    expect(reported()[0]?.ValidationStatus).toBe('FAILED');
    expect(metricsOf(lines)).toMatchObject({ Success: 0, Findings: 1 });
  });

  it('reports FAILED, without throwing, when a check errors halfway', async () => {
    const copy = fakeCopy();
    const { value } = deps({
      openDatabase: async () => ({
        ...copy,
        query: async (sql: string) => {
          if (sql.includes('CREATE EXTENSION'))
            throw new Error('Connection terminated unexpectedly');
          return copy.query(sql);
        },
      }),
    });
    const outcome = await validateRestore(restoreJobEvent(), value);
    expect(outcome).toMatchObject({
      status: 'FAILED',
      message:
        '1 findings: verification: a check could not run: Connection terminated unexpectedly',
    });
    expect(reported()[0]?.ValidationStatus).toBe('FAILED');
  });

  it('reports FAILED when RDS does not know the restored instance', async () => {
    rds.on(DescribeDBInstancesCommand).rejects(new Error('DBInstanceNotFound'));
    const { value, opened } = deps();
    const outcome = await validateRestore(restoreJobEvent(), value);
    expect(outcome).toMatchObject({
      status: 'FAILED',
      message: expect.stringContaining('DBInstanceNotFound'),
    });
    expect(opened).toEqual([]);
  });

  it.each([
    ['another plan', restoreJobEvent({ restoreTestingPlanArn: `${PLAN_ARN}-other` })],
    ['an on-demand restore', restoreJobEvent({ restoreTestingPlanArn: undefined })],
    ['a job still running', restoreJobEvent({ status: 'RUNNING' })],
    ['another event type', { ...restoreJobEvent(), 'detail-type': 'Backup Job State Change' }],
    ['an event without detail', { source: 'aws.backup' }],
  ])('ignores %s: nothing checked or reported', async (_, event) => {
    const { value, opened, lines } = deps();
    const outcome = await validateRestore(event, value);
    expect(outcome.status).toBe('IGNORED');
    expect(opened).toEqual([]);
    expect(rds.calls()).toHaveLength(0);
    expect(backup.calls()).toHaveLength(0);
    expect(metricsOf(lines)).toBeUndefined();
  });
});

describe('restoredCopyUrl', () => {
  it('keeps credentials, database and parameters and swaps the endpoint', () => {
    expect(
      restoredCopyUrl('postgresql://u:p%40ss@db.internal/app?sslmode=verify-full', 'copy', 5432),
    ).toBe('postgresql://u:p%40ss@copy:5432/app?sslmode=verify-full');
  });
});

describe('reportValidationRecency', () => {
  const now = new Date('2026-12-02T12:00:00Z');
  const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);

  beforeEach(() => backup.reset());

  it('emits the hours since the newest SUCCESSFUL validation of the plan, across pages', async () => {
    backup
      .on(ListRestoreJobsCommand, { ByRestoreTestingPlanArn: PLAN_ARN, NextToken: undefined })
      .resolves({
        RestoreJobs: [
          { CompletionDate: daysAgo(9), ValidationStatus: 'SUCCESSFUL' },
          { CompletionDate: daysAgo(1), ValidationStatus: 'FAILED' },
        ],
        NextToken: 'page-2',
      })
      .on(ListRestoreJobsCommand, { NextToken: 'page-2' })
      .resolves({ RestoreJobs: [{ CompletionDate: daysAgo(2), ValidationStatus: 'SUCCESSFUL' }] });
    const { value, lines } = deps();
    const result = await reportValidationRecency({ ...value, now: () => now });
    expect(result.hoursSinceLastSuccess).toBe(48);
    expect(metricsOf(lines)).toMatchObject({ HoursSinceLastSuccess: 48 });
    expect(backup.commandCalls(ListRestoreJobsCommand)[0]?.args[0].input).toMatchObject({
      ByStatus: 'COMPLETED',
      ByCompleteAfter: daysAgo(35),
    });
  });

  it('reports the whole lookback when no validation passed in it', async () => {
    backup.on(ListRestoreJobsCommand).resolves({
      RestoreJobs: [{ CompletionDate: daysAgo(1), ValidationStatus: 'TIMED_OUT' }],
    });
    const { value } = deps();
    const result = await reportValidationRecency({ ...value, now: () => now });
    expect(result.hoursSinceLastSuccess).toBe(RECENCY_LOOKBACK_HOURS);
  });
});

import {
  ListRestoreJobsCommand,
  PutRestoreValidationResultCommand,
  type BackupClient,
} from '@aws-sdk/client-backup';
import { DescribeDBInstancesCommand, type RDSClient } from '@aws-sdk/client-rds';
import type { RestoreValidationConfig } from '@fediflow/config';
import type { IntegrityFinding, IntegrityQueryable } from '@fediflow/database';
import pg from 'pg';
import { runBackupVerify } from '../backup-verification/backup-verify-command';

/** What EventBridge delivers for AWS Backup's "Restore Job State Change" (the fields read here). */
export interface RestoreJobStateChangeEvent {
  source?: string;
  'detail-type'?: string;
  detail?: {
    restoreJobId?: string;
    status?: string;
    resourceType?: string;
    createdResourceArn?: string;
    restoreTestingPlanArn?: string;
  };
}

export type RestoreValidationOutcome =
  | { status: 'IGNORED'; reason: string }
  | { status: 'SUCCESSFUL' | 'FAILED'; restoreJobId: string; message: string };

export interface RestoreValidationDependencies {
  config: Pick<
    RestoreValidationConfig,
    | 'DATABASE_URL'
    | 'DATABASE_CONNECT_TIMEOUT_MS'
    | 'RESTORE_TESTING_PLAN_ARN'
    | 'BACKUP_VERIFY_MAX_DATA_AGE_HOURS'
  >;
  rds: Pick<RDSClient, 'send'>;
  backup: Pick<BackupClient, 'send'>;
  /** Connects to the restored copy; pg by default, tests may stand in. */
  openDatabase?: (url: string, connectTimeoutMs: number) => Promise<RestoredDatabase>;
  /** One log line (the metrics are CloudWatch Embedded Metric Format: raw JSON, no prefix). */
  write(line: string): void;
  now?: () => Date;
}

export interface RestoredDatabase extends IntegrityQueryable {
  end(): Promise<void>;
}

async function openWithPg(url: string, connectTimeoutMs: number): Promise<RestoredDatabase> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: connectTimeoutMs,
    application_name: 'restore-validation',
  });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
  return client;
}

export const METRICS_NAMESPACE = 'FediFlow/BackupVerification';
/** AWS Backup keeps a short message with the validation status. */
const MESSAGE_LIMIT = 1_000;

/** Why an event is not a completed restore of our testing plan (undefined: it is). */
function ignoredBecause(event: RestoreJobStateChangeEvent, planArn: string): string | undefined {
  if (event.source !== 'aws.backup' || event['detail-type'] !== 'Restore Job State Change')
    return 'not an AWS Backup restore job event';
  if (event.detail?.status !== 'COMPLETED')
    return `restore job ${event.detail?.status ?? 'without status'}`;
  if (event.detail.restoreTestingPlanArn !== planArn) return 'restore job of another plan';
  return undefined;
}

/** Production's DATABASE_URL (user, password, database, sslmode) pointed at the restored copy. */
export function restoredCopyUrl(databaseUrl: string, address: string, port: number): string {
  const url = new URL(databaseUrl);
  url.hostname = address;
  url.port = String(port);
  return url.toString();
}

async function restoredEndpoint(
  rds: RestoreValidationDependencies['rds'],
  instanceArn: string,
): Promise<{ address: string; port: number }> {
  const { DBInstances } = await rds.send(
    new DescribeDBInstancesCommand({ DBInstanceIdentifier: instanceArn }),
  );
  const endpoint = DBInstances?.[0]?.Endpoint;
  if (!endpoint?.Address || !endpoint.Port)
    throw new Error(
      `${instanceArn} has no endpoint (status ${DBInstances?.[0]?.DBInstanceStatus})`,
    );
  return { address: endpoint.Address, port: endpoint.Port };
}

function validationMessage(findings: readonly IntegrityFinding[]): string {
  if (findings.length === 0) return 'restored copy passed every integrity check';
  const text = `${findings.length} findings: ${findings.map((f) => `${f.check}: ${f.detail}`).join('; ')}`;
  return text.length > MESSAGE_LIMIT ? `${text.slice(0, MESSAGE_LIMIT - 1)}…` : text;
}

/**
 * CloudWatch Embedded Metric Format: one raw JSON line that CloudWatch turns into metrics of
 * METRICS_NAMESPACE, dimensioned by the restore-testing plan. The alarms (terraform/modules/backup)
 * read them.
 */
function metricsLine(
  planArn: string,
  metrics: { name: string; unit: 'Count' | 'Seconds'; value: number }[],
  at: Date,
): string {
  return JSON.stringify({
    _aws: {
      Timestamp: at.getTime(),
      CloudWatchMetrics: [
        {
          Namespace: METRICS_NAMESPACE,
          Dimensions: [['RestoreTestingPlan']],
          Metrics: metrics.map(({ name, unit }) => ({ Name: name, Unit: unit })),
        },
      ],
    },
    RestoreTestingPlan: planArn,
    ...Object.fromEntries(metrics.map(({ name, value }) => [name, value])),
  });
}

/**
 * AWS Backup's restore-testing validation: a restore job of the testing plan completed, so the
 * restored RDS instance is checked with the same integrity checks as the DR drills and the
 * backup-verify CronJob, and the verdict goes back to AWS Backup (which then deletes the copy).
 * A copy that cannot be found or reached is a failed validation, not a crashed function.
 */
export async function validateRestore(
  event: RestoreJobStateChangeEvent,
  deps: RestoreValidationDependencies,
): Promise<RestoreValidationOutcome> {
  const now = deps.now ?? (() => new Date());
  const planArn = deps.config.RESTORE_TESTING_PLAN_ARN;
  const reason = ignoredBecause(event, planArn);
  const restoreJobId = event.detail?.restoreJobId;
  if (reason !== undefined || !restoreJobId) {
    const outcome = { status: 'IGNORED' as const, reason: reason ?? 'no restoreJobId' };
    deps.write(JSON.stringify({ msg: 'restore job event ignored', reason: outcome.reason }));
    return outcome;
  }

  const open = deps.openDatabase ?? openWithPg;
  let db: RestoredDatabase | undefined;
  const verification = await runBackupVerify({
    connect: async () => {
      const instanceArn = event.detail?.createdResourceArn;
      if (!instanceArn) throw new Error('the event names no createdResourceArn');
      const { address, port } = await restoredEndpoint(deps.rds, instanceArn);
      db = await open(
        restoredCopyUrl(deps.config.DATABASE_URL, address, port),
        deps.config.DATABASE_CONNECT_TIMEOUT_MS,
      );
      return db;
    },
    maxDataAgeHours: deps.config.BACKUP_VERIFY_MAX_DATA_AGE_HOURS,
    now,
  }).finally(() => db?.end().catch(() => undefined));

  const success = verification.exitCode === 0;
  deps.write(verification.line);
  deps.write(
    metricsLine(
      planArn,
      [
        { name: 'Success', unit: 'Count', value: success ? 1 : 0 },
        { name: 'Findings', unit: 'Count', value: verification.findings.length },
        { name: 'DurationSeconds', unit: 'Seconds', value: verification.durationSeconds },
      ],
      now(),
    ),
  );
  const status = success ? 'SUCCESSFUL' : 'FAILED';
  const message = validationMessage(verification.findings);
  await deps.backup.send(
    new PutRestoreValidationResultCommand({
      RestoreJobId: restoreJobId,
      ValidationStatus: status,
      ValidationStatusMessage: message,
    }),
  );
  return { status, restoreJobId, message };
}

/** How far back the recency check looks; with no success in it, it reports this many hours. */
export const RECENCY_LOOKBACK_HOURS = 35 * 24;

/**
 * For the "no successful validation for 8 days" alarm: CloudWatch evaluates at most 7 days of
 * data, so a weekly `Success` cannot express it. Run on a schedule, this asks AWS Backup when a
 * restore job of the plan last passed validation and emits the age (`HoursSinceLastSuccess`); a
 * restore test that stopped running, failed, or was never validated all make it grow.
 */
export async function reportValidationRecency(
  deps: Pick<RestoreValidationDependencies, 'config' | 'backup' | 'write' | 'now'>,
): Promise<{ hoursSinceLastSuccess: number }> {
  const now = (deps.now ?? (() => new Date()))();
  const planArn = deps.config.RESTORE_TESTING_PLAN_ARN;
  let latest: Date | undefined;
  let nextToken: string | undefined;
  do {
    const page = await deps.backup.send(
      new ListRestoreJobsCommand({
        ByRestoreTestingPlanArn: planArn,
        ByStatus: 'COMPLETED',
        ByCompleteAfter: new Date(now.getTime() - RECENCY_LOOKBACK_HOURS * 3_600_000),
        NextToken: nextToken,
      }),
    );
    for (const job of page.RestoreJobs ?? []) {
      const completed = job.CompletionDate;
      if (job.ValidationStatus === 'SUCCESSFUL' && completed && !(latest && latest >= completed))
        latest = completed;
    }
    nextToken = page.NextToken;
  } while (nextToken);
  const hoursSinceLastSuccess = latest
    ? Math.round(((now.getTime() - latest.getTime()) / 3_600_000) * 10) / 10
    : RECENCY_LOOKBACK_HOURS;
  deps.write(
    metricsLine(
      planArn,
      [{ name: 'HoursSinceLastSuccess', unit: 'Count', value: hoursSinceLastSuccess }],
      now,
    ),
  );
  return { hoursSinceLastSuccess };
}

import {
  checkDatabaseIntegrity,
  type DatabaseIntegrity,
  type IntegrityFinding,
  type IntegrityQueryable,
} from './integrity-checks';

export interface BackupVerification {
  success: boolean;
  findings: IntegrityFinding[];
  checks: string[];
  rowCounts: Record<string, number>;
  /** How old the newest status in the copy was when it was checked; undefined with no status. */
  dataAgeSeconds?: number;
  durationSeconds: number;
  finishedAt: Date;
}

export interface VerifyOptions {
  /** A copy whose newest status is older than this is a finding: the backup is stale. */
  maxDataAgeSeconds: number;
  now?: () => Date;
}

/**
 * Verifies a database restored from the latest backup: the integrity checks, and that the copy
 * is recent (its newest status younger than `maxDataAgeSeconds`), since a restore of a backup
 * that stopped being taken days ago would pass every other check.
 */
export async function verifyRestoredDatabase(
  db: IntegrityQueryable,
  options: VerifyOptions,
): Promise<BackupVerification> {
  const now = options.now ?? (() => new Date());
  const started = now().getTime();
  const integrity: DatabaseIntegrity = await checkDatabaseIntegrity(db);
  const findings = [...integrity.findings];
  const { rows } = await db.query<{ newest: Date | null }>(
    'SELECT max(created_at) AS newest FROM statuses',
  );
  const newest = rows[0]?.newest ?? null;
  const finishedAt = now();
  const dataAgeSeconds =
    newest === null ? undefined : Math.round((finishedAt.getTime() - newest.getTime()) / 1000);
  if (dataAgeSeconds === undefined) {
    findings.push({ check: 'freshness', detail: 'the restored copy holds no status at all' });
  } else if (dataAgeSeconds > options.maxDataAgeSeconds) {
    findings.push({
      check: 'freshness',
      detail: `the newest status is ${dataAgeSeconds} s old (limit ${options.maxDataAgeSeconds} s): the backup is stale`,
    });
  }
  return {
    success: findings.length === 0,
    findings,
    checks: [
      ...integrity.checks,
      `freshness: newest status younger than ${options.maxDataAgeSeconds} s`,
    ],
    rowCounts: integrity.rowCounts,
    ...(dataAgeSeconds === undefined ? {} : { dataAgeSeconds }),
    durationSeconds: (finishedAt.getTime() - started) / 1000,
    finishedAt,
  };
}

/**
 * The outcome in the Prometheus text format, for a Pushgateway or a node-exporter textfile
 * collector; the drill (tools/dr backup-verify) writes the same series. The alert itself reads
 * kube-state-metrics' view of the CronJob (deploy/components/backup-verification).
 */
export function backupVerificationMetrics(
  result: Pick<BackupVerification, 'success' | 'findings' | 'durationSeconds' | 'finishedAt'> & {
    dataAgeSeconds?: number;
  },
): string {
  const metric = (name: string, help: string, value: number) =>
    `# HELP ${name} ${help}\n# TYPE ${name} gauge\n${name} ${value}\n`;
  const finished = Math.round(result.finishedAt.getTime() / 1000);
  return [
    metric(
      'fediflow_backup_verify_success',
      '1 when the latest backup restored and passed every check',
      result.success ? 1 : 0,
    ),
    metric(
      'fediflow_backup_verify_findings',
      'Integrity findings in the restored copy',
      result.findings.length,
    ),
    metric(
      'fediflow_backup_verify_duration_seconds',
      'Verification of the restored copy',
      result.durationSeconds,
    ),
    ...(result.dataAgeSeconds === undefined
      ? []
      : [
          metric(
            'fediflow_backup_verify_data_age_seconds',
            'Age of the newest row in the restored copy when it was checked',
            result.dataAgeSeconds,
          ),
        ]),
    metric(
      'fediflow_backup_verify_last_run_timestamp_seconds',
      'When the verification finished',
      finished,
    ),
    ...(result.success
      ? [
          metric(
            'fediflow_backup_verify_last_success_timestamp_seconds',
            'When a verification last passed',
            finished,
          ),
        ]
      : []),
  ].join('');
}

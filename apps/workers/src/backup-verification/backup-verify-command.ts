import {
  backupVerificationMetrics,
  verifyRestoredDatabase,
  type IntegrityFinding,
  type IntegrityQueryable,
} from '@fediflow/database';

export const BACKUP_VERIFY_USAGE = `Usage: node backup-verify.js [--help]

Checks the scratch copy of the latest backup at BACKUP_VERIFY_DATABASE_URL: foreign keys without
orphans, counters equal to COUNT(*), amcheck of every heap and B-tree index, and a newest status
younger than BACKUP_VERIFY_MAX_DATA_AGE_HOURS (default 26). Prints one JSON line with the outcome
and the Prometheus metrics. Exit codes: 0 verified, 1 a finding or the copy unreachable, 2 usage.
Run by the CronJob of deploy/components/backup-verification; docs/infrastructure.md, "Backup
verification".`;

export interface BackupVerifyDependencies {
  /** A connection to the scratch copy; closed by the caller. */
  connect(): Promise<IntegrityQueryable>;
  maxDataAgeHours: number;
  now?: () => Date;
}

export interface BackupVerifyOutcome {
  exitCode: 0 | 1;
  /** Empty when the copy passed; the restoreValidation Lambda reports them to AWS Backup. */
  findings: IntegrityFinding[];
  durationSeconds: number;
  /** One JSON line for the job's log. */
  line: string;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** A verification that could not judge the copy: one finding, the failure metrics. */
function failed(finding: IntegrityFinding, finishedAt: Date): BackupVerifyOutcome {
  const metrics = backupVerificationMetrics({
    success: false,
    findings: [finding],
    durationSeconds: 0,
    finishedAt,
  });
  return {
    exitCode: 1,
    findings: [finding],
    durationSeconds: 0,
    line: JSON.stringify({ msg: 'backup verification failed', findings: [finding], metrics }),
  };
}

/**
 * The command's logic, apart from process and environment, for tests. A copy that cannot be
 * reached, or a check that errors (the connection lost halfway, a missing privilege), is a
 * failed verification rather than an exception.
 */
export async function runBackupVerify(
  deps: BackupVerifyDependencies,
): Promise<BackupVerifyOutcome> {
  const now = deps.now ?? (() => new Date());
  let db: IntegrityQueryable;
  try {
    db = await deps.connect();
  } catch (error) {
    return failed(
      { check: 'restore', detail: `the scratch copy is unreachable: ${messageOf(error)}` },
      now(),
    );
  }
  let result: Awaited<ReturnType<typeof verifyRestoredDatabase>>;
  try {
    result = await verifyRestoredDatabase(db, {
      maxDataAgeSeconds: deps.maxDataAgeHours * 3_600,
      now,
    });
  } catch (error) {
    return failed(
      { check: 'verification', detail: `a check could not run: ${messageOf(error)}` },
      now(),
    );
  }
  const metrics = backupVerificationMetrics(result);
  return {
    exitCode: result.success ? 0 : 1,
    findings: result.findings,
    durationSeconds: result.durationSeconds,
    line: JSON.stringify({
      msg: result.success ? 'backup verified' : 'backup verification failed',
      findings: result.findings,
      checks: result.checks,
      rowCounts: result.rowCounts,
      dataAgeSeconds: result.dataAgeSeconds,
      durationSeconds: result.durationSeconds,
      metrics,
    }),
  };
}

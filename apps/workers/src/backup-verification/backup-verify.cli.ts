import { loadConfigOrExit } from '@fediflow/config';
import pg from 'pg';
import { BACKUP_VERIFY_USAGE, runBackupVerify } from './backup-verify-command';

/**
 * Operator command built into the workers image, run on a schedule by the CronJob of
 * deploy/components/backup-verification: `node backup-verify.js` checks the scratch copy of the
 * latest backup (BACKUP_VERIFY_DATABASE_URL) and exits non-zero on any finding, which
 * kube-state-metrics reports and the FediFlowBackupVerification* alerts read.
 */
async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help')) {
    process.stdout.write(`${BACKUP_VERIFY_USAGE}\n`);
    return;
  }
  if (argv.length > 0) {
    process.stderr.write(`unknown arguments: ${argv.join(' ')}\n${BACKUP_VERIFY_USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const config = loadConfigOrExit('workers');
  const url = config.BACKUP_VERIFY_DATABASE_URL;
  if (!url) {
    process.stderr.write(`BACKUP_VERIFY_DATABASE_URL is not set\n${BACKUP_VERIFY_USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 30_000 });
  try {
    const outcome = await runBackupVerify({
      connect: async () => {
        await client.connect();
        return client;
      },
      maxDataAgeHours: config.BACKUP_VERIFY_MAX_DATA_AGE_HOURS,
    });
    process.stdout.write(`${outcome.line}\n`);
    process.exitCode = outcome.exitCode;
  } catch (error) {
    process.stderr.write(
      `backup-verify: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  } finally {
    await client.end().catch(() => undefined);
  }
}

void main();

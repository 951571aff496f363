/**
 * Restoring a base backup plus archived WAL into a new cluster, as an operator does after a
 * mistake (with a recovery target) or as the backup verification does (to the end of the WAL).
 */
import { spawn } from 'node:child_process';
import { writeFileSync, chownSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { PgCluster, type ClusterOptions } from './postgres.ts';

function copyTree(from: string, to: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // cp -a keeps the postgres ownership and modes pg_basebackup gave the files.
    const child = spawn('cp', ['-a', from, to], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`cp -a ${from} ${to}: ${code}`)),
    );
  });
}

export interface RestoreResult {
  cluster: PgCluster;
  copyMs: number;
  /** Start → recovery finished and the cluster promoted. */
  replayMs: number;
  totalMs: number;
}

/**
 * Copies `backupDir` to `target.dataDir`, replays WAL from the archive up to `targetTime`
 * (exclusive) or to its end, promotes, and returns the serving cluster. The restored cluster does
 * not archive (it must not write into the archive it restores from); `owner` stops it at teardown.
 */
export async function restoreBackup(
  owner: { adopt(cluster: PgCluster): PgCluster },
  options: {
    backupDir: string;
    target: ClusterOptions;
    name: string;
    targetTime?: Date;
  },
): Promise<RestoreResult> {
  const started = Date.now();
  await copyTree(options.backupDir, options.target.dataDir);
  const copied = Date.now();
  // Adopted before it starts, so a failed or slow recovery is stopped at teardown as well.
  const cluster = owner.adopt(new PgCluster(options.name, options.target));
  cluster.configure({
    restore_command: `'cp ${options.target.archiveDir}/%f %p'`,
    archive_mode: 'off',
    ...(options.targetTime
      ? {
          // PostgreSQL's timestamptz input: '2026-12-02 06:09:22.409+00'.
          recovery_target_time: `'${options.targetTime.toISOString().replace('T', ' ').replace('Z', '+00')}'`,
          recovery_target_inclusive: 'off',
          recovery_target_action: "'promote'",
        }
      : {}),
  });
  const signal = join(options.target.dataDir, 'recovery.signal');
  writeFileSync(signal, '');
  const { uid, gid } = statSync(options.target.dataDir);
  chownSync(signal, uid, gid);
  await cluster.start();
  await cluster.waitUntilPrimary();
  const done = Date.now();
  return { cluster, copyMs: copied - started, replayMs: done - copied, totalMs: done - started };
}

/** Forces the current WAL segment into the archive and waits until it is there. */
export async function archiveCurrentWal(primary: PgCluster, timeoutMs = 60_000): Promise<string> {
  const [row] = await primary.query<{ walfile: string }>(
    'SELECT pg_walfile_name(pg_switch_wal()) AS walfile',
    [],
    'postgres',
  );
  const walfile = row!.walfile;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [stats] = await primary.query<{ last: string | null }>(
      'SELECT last_archived_wal AS last FROM pg_stat_archiver',
      [],
      'postgres',
    );
    if (stats?.last && stats.last >= walfile) return walfile;
    if (Date.now() > deadline) throw new Error(`WAL ${walfile} not archived after ${timeoutMs} ms`);
    await sleep(200);
  }
}

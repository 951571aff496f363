/**
 * Backup verification, the check the scheduled job runs: take the nightly base backup under load
 * (as the backup job would), then restore the latest backup in the backup directory plus the
 * archived WAL into a scratch cluster, run pg_verifybackup against its manifest and the integrity
 * checks, and write Prometheus metrics (textfile format; the series of the workers image's
 * `backup-verify.js`, libs/database backup-verification).
 */
import { backupVerificationMetrics } from '@fediflow/database/backup-verification';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATABASE, startEnvironment } from '../environment.ts';
import { checkIntegrity, type Finding } from '../integrity.ts';
import { makePostgresOwnedDir } from '@fediflow/testing';
import { baseBackup, pgBinary } from '../postgres.ts';
import { machine, type DrillReport, type Figure } from '../report.ts';
import { archiveCurrentWal, restoreBackup } from '../restore.ts';
import { ledgerSummary, seconds, writeLoadOn, type DrillOptions } from './common.ts';

export interface BackupVerifyOptions extends DrillOptions {
  fillerScale: number;
  /** Where the metrics file goes (default: the work directory). */
  metricsFile?: string;
}

/** The newest backup in `dir` (backups are named by their UTC start time, so names sort). */
export function latestBackup(dir: string): string {
  const names = readdirSync(dir).sort();
  const latest = names.at(-1);
  if (!latest) throw new Error(`no backup in ${dir}`);
  return join(dir, latest);
}

export async function backupVerifyDrill(options: BackupVerifyOptions): Promise<DrillReport> {
  const { step } = options.progress;
  const startedAt = new Date().toISOString();
  const env = await startEnvironment({ ...options, progress: options.progress });
  try {
    const load = writeLoadOn(env, options, 0);
    await load.runFor(options.loadSeconds / 2);
    const backupsDir = makePostgresOwnedDir(join(env.workDir, 'backups'));
    const backupTakenAt = new Date();
    const backupDir = makePostgresOwnedDir(
      join(backupsDir, backupTakenAt.toISOString().replaceAll(':', '')),
    );
    await baseBackup(env.primary, backupDir);
    step(`nightly base backup taken under load: ${backupDir}`);
    await load.runFor(options.loadSeconds / 2);
    const ledger = await load.stop();
    const walfile = await archiveCurrentWal(env.primary);
    step(`load stopped (${ledgerSummary(ledger)}); WAL archived up to ${walfile}`);

    // The verification job proper.
    const verifyStarted = Date.now();
    const latest = latestBackup(backupsDir);
    const findings: Finding[] = [];
    try {
      await pgBinary('pg_verifybackup', [latest]);
      step(`pg_verifybackup ${latest}: manifest checksums and WAL OK`);
    } catch (error) {
      findings.push({ check: 'pg_verifybackup', detail: String(error).slice(0, 2_000) });
    }
    const restore = await restoreBackup(env, {
      backupDir: latest,
      target: await env.clusterOptions('scratch'),
      name: 'scratch',
    });
    step(`restored into scratch cluster :${restore.cluster.port} in ${seconds(restore.totalMs)} s`);
    const integrity = await checkIntegrity({
      databaseUrl: restore.cluster.url(DATABASE),
      expected: ledger.acked,
    });
    findings.push(...integrity.findings);
    const verifyMs = Date.now() - verifyStarted;
    const finishedAt = new Date();
    const metrics = backupVerificationMetrics({
      success: findings.length === 0,
      durationSeconds: seconds(verifyMs),
      findings,
      // The drill knows when its backup was taken; the data can be no older than that.
      dataAgeSeconds: Math.round((finishedAt.getTime() - backupTakenAt.getTime()) / 1000),
      finishedAt,
    });
    const metricsFile = options.metricsFile ?? join(env.workDir, 'backup-verify.prom');
    writeFileSync(metricsFile, metrics);
    step(`metrics written to ${metricsFile}`);
    const figures: Figure[] = [
      {
        name: 'verification (pg_verifybackup + restore + checks)',
        value: seconds(verifyMs),
        unit: 's',
      },
      {
        name: 'restore to the end of the archived WAL',
        value: seconds(restore.totalMs),
        unit: 's',
      },
      {
        name: 'acknowledged writes missing in the restored copy',
        value: Object.values(integrity.acknowledged).reduce((s, v) => s + v.missing, 0),
        unit: 'writes',
        target: '0',
        ok: integrity.findings.every((f) => f.check !== 'acknowledged writes'),
      },
      {
        name: 'findings',
        value: findings.length,
        unit: '',
        target: '0',
        ok: findings.length === 0,
      },
    ];
    return {
      scenario: 'backup-verify',
      startedAt,
      finishedAt: finishedAt.toISOString(),
      machine: machine(),
      parameters: {
        loadSeconds: options.loadSeconds,
        members: options.members,
        writers: options.writers,
        fillerScale: options.fillerScale,
      },
      figures,
      timeline: options.progress.timeline,
      observations: [
        ledgerSummary(ledger),
        'Every write acknowledged up to the last archived WAL segment is expected in the restored copy (the backup itself was taken mid-load).',
        `Metrics (Prometheus textfile format):\n\n\`\`\`\n${metrics}\`\`\``,
      ],
      integrity,
      findings,
      passed: findings.length === 0,
    };
  } finally {
    await env.teardown();
  }
}

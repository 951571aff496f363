/**
 * Point-in-time restore after an operator error: a base backup is taken, the load runs, someone
 * runs `DELETE FROM statuses` (it cascades to favourites, mentions, notifications …), the load
 * runs on a little, the services are stopped, and the base backup plus archived WAL is restored
 * into a new cluster up to just before the statement. Every write acknowledged before it must
 * be there, and the database must pass the integrity checks.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { DATABASE, startEnvironment } from '../environment.ts';
import { checkIntegrity } from '../integrity.ts';
import { makePostgresOwnedDir } from '@fediflow/testing';
import { baseBackup } from '../postgres.ts';
import { machine, type DrillReport, type Figure } from '../report.ts';
import { archiveCurrentWal, restoreBackup } from '../restore.ts';
import { ledgerSummary, seconds, writeLoadOn, type DrillOptions } from './common.ts';

export interface PitrOptions extends DrillOptions {
  fillerScale: number;
}

const MISTAKE = 'DELETE FROM statuses';

export async function pitrDrill(options: PitrOptions): Promise<DrillReport> {
  const { step } = options.progress;
  const startedAt = new Date().toISOString();
  const env = await startEnvironment({ ...options, progress: options.progress });
  try {
    const backupDir = join(env.workDir, 'base-backup');
    makePostgresOwnedDir(backupDir);
    const backupStarted = Date.now();
    await baseBackup(env.primary, backupDir);
    const backupMs = Date.now() - backupStarted;
    step(`base backup taken in ${seconds(backupMs)} s`);

    const load = writeLoadOn(env, options, 0);
    step(`load for ${options.loadSeconds} s, then the mistake`);
    await load.runFor(options.loadSeconds);
    const mistakeAt = new Date();
    await env.primary.query(MISTAKE);
    const [{ n: left } = { n: '?' }] = await env.primary.query<{ n: string }>(
      'SELECT count(*) AS n FROM statuses',
    );
    step(`✖ operator error at ${mistakeAt.toISOString()}: ${MISTAKE} (${left} statuses left)`);
    await sleep(Math.min(5, options.loadSeconds) * 1_000);
    const ledger = await load.stop();
    await env.services.stop();
    const walfile = await archiveCurrentWal(env.primary);
    step(`services stopped; WAL archived up to ${walfile}; ${ledgerSummary(ledger)}`);
    const [{ bytes } = { bytes: '0' }] = await env.primary.query<{ bytes: string }>(
      `SELECT pg_database_size('${DATABASE}') AS bytes`,
    );

    const target = await env.clusterOptions('restored');
    step(
      `restoring base backup + WAL to just before ${mistakeAt.toISOString()} (port ${target.port})`,
    );
    const restore = await restoreBackup(env, {
      backupDir,
      target,
      name: 'restored',
      targetTime: mistakeAt,
    });
    step(
      `restored and promoted in ${seconds(restore.totalMs)} s (copy ${seconds(restore.copyMs)} s, replay ${seconds(restore.replayMs)} s)`,
    );
    const expected = ledger.ackedBefore(mistakeAt.getTime());
    const integrity = await checkIntegrity({
      databaseUrl: restore.cluster.url(DATABASE),
      expected,
    });
    step(`integrity checked in ${seconds(integrity.durationMs)} s`);
    // Nothing written after the target may be there either (the restore went too far otherwise).
    const after = ledger.acked
      .filter((w) => w.kind === 'status' && w.sentAt > mistakeAt.getTime())
      .map((w) => w.key);
    const [{ n: overshoot } = { n: '0' }] = await restore.cluster.query<{ n: string }>(
      'SELECT count(*) AS n FROM statuses WHERE id = ANY($1::bigint[])',
      [after],
    );
    const lostByDesign = ledger.acked.length - expected.length;
    const sizeMb = Number(bytes) / 1024 / 1024;
    // The target scales with size: 15 min for 1 GB on this machine.
    const restoreTargetMs = 15 * 60_000 * Math.max(1, sizeMb / 1024);
    const figures: Figure[] = [
      { name: 'database size', value: Math.round(sizeMb), unit: 'MB' },
      { name: 'base backup', value: seconds(backupMs), unit: 's' },
      {
        name: 'restore (copy + WAL replay + promote)',
        value: seconds(restore.totalMs),
        unit: 's',
        target: sizeMb >= 1024 ? '< 15 min for 1 GB' : '< 15 min (scaled: 1 GB)',
        ok: restore.totalMs < restoreTargetMs,
      },
      { name: 'WAL replay', value: seconds(restore.replayMs), unit: 's' },
      { name: 'integrity checks', value: seconds(integrity.durationMs), unit: 's' },
      {
        name: 'acknowledged writes before the mistake, missing',
        value: Object.values(integrity.acknowledged).reduce((s, v) => s + v.missing, 0),
        unit: 'writes',
        target: '0',
        ok: integrity.findings.every((f) => f.check !== 'acknowledged writes'),
      },
      { name: 'writes after the mistake (lost by design)', value: lostByDesign, unit: 'writes' },
      {
        name: 'statuses posted after the mistake present in the restore',
        value: Number(overshoot),
        unit: 'statuses',
        target: '0',
        ok: Number(overshoot) === 0,
      },
      {
        name: 'integrity findings',
        value: integrity.findings.length,
        unit: '',
        target: '0',
        ok: integrity.findings.length === 0,
      },
    ];
    const findings = [...integrity.findings];
    if (Number(overshoot) > 0)
      findings.push({
        check: 'recovery target',
        detail: `${overshoot} statuses posted after the mistake are in the restored cluster`,
      });
    if (restore.totalMs >= restoreTargetMs)
      findings.push({ check: 'restore time', detail: `${seconds(restore.totalMs)} s` });
    if (expected.filter((w) => w.kind === 'status').length === 0)
      findings.push({ check: 'drill', detail: 'no status was acknowledged before the mistake' });
    return {
      scenario: 'pitr',
      startedAt,
      finishedAt: new Date().toISOString(),
      machine: machine(),
      parameters: {
        loadSeconds: options.loadSeconds,
        members: options.members,
        writers: options.writers,
        fillerScale: options.fillerScale,
        mistake: MISTAKE,
        recoveryTarget: `recovery_target_time = ${mistakeAt.toISOString()}, inclusive off`,
      },
      figures,
      timeline: options.progress.timeline,
      observations: [
        ledgerSummary(ledger),
        `The mistake left ${left} statuses on the primary; the restored cluster has ${integrity.rowCounts['statuses'] ?? 0}.`,
        `Writes acknowledged after the recovery target (${lostByDesign}) are absent by design: an operator who restores to before the mistake gives them up, or replays them by hand from the old cluster.`,
        ...(options.fillerScale > 0
          ? [
              `Size comes mostly from pgbench filler tables (scale ${options.fillerScale}) in the same database.`,
            ]
          : []),
      ],
      integrity,
      findings,
      passed: findings.length === 0,
    };
  } finally {
    await env.teardown();
  }
}

/**
 * The DR drills in their short form (seconds of load): each runs end to end against its own
 * PostgreSQL cluster(s), Redis and the built services, and must meet its targets with no
 * integrity findings. The full drills run from the CLI (`npm run dr:drill`, reports in
 * docs/dr-drills/). Also: the integrity checks do find what they look for.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, makePostgresOwnedDir } from '@fediflow/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE, progress } from './environment.ts';
import { checkIntegrity } from './integrity.ts';
import { PgCluster } from './postgres.ts';
import type { DrillReport } from './report.ts';
import { backupVerifyDrill } from './scenarios/backup-verify.ts';
import { failoverDrill } from './scenarios/failover.ts';
import { pitrDrill } from './scenarios/pitr.ts';
import { ensureBuilt, migrate } from './services.ts';

const short = { loadSeconds: 3, members: 3, writers: 2, keep: false };
const figure = (report: DrillReport, prefix: string) =>
  report.figures.find((f) => f.name.startsWith(prefix));

describe('DR drills (short form)', () => {
  beforeAll(() => ensureBuilt(() => undefined), 300_000);

  it('failover: standby promoted, writes resume well within 30 s, nothing acknowledged is lost', async () => {
    const report = await failoverDrill({
      ...short,
      replication: 'sync',
      probeIntervalMs: 500,
      probeFailures: 2,
      progress: progress(true),
    });
    expect(report.findings).toEqual([]);
    expect(report.passed).toBe(true);
    expect(figure(report, 'RTO')?.value).toBeLessThan(30);
    expect(figure(report, 'RPO')?.value).toBe(0);
    // The drill really caused an outage: writes failed, then succeeded on the promoted standby.
    expect(figure(report, 'failed API writes')?.value).toBeGreaterThan(0);
    expect(report.integrity?.acknowledged.status.checked).toBeGreaterThan(0);
  }, 240_000);

  it('pitr: the restore stops just before DELETE FROM statuses and keeps every earlier write', async () => {
    const report = await pitrDrill({ ...short, fillerScale: 0, progress: progress(true) });
    expect(report.findings).toEqual([]);
    expect(report.integrity?.rowCounts['statuses']).toBeGreaterThan(0);
    expect(report.integrity?.acknowledged.status.missing).toBe(0);
  }, 240_000);

  it('backup-verify: the latest backup restores and passes pg_verifybackup and the checks', async () => {
    const report = await backupVerifyDrill({ ...short, fillerScale: 0, progress: progress(true) });
    expect(report.findings).toEqual([]);
    expect(report.observations.join('\n')).toContain('fediflow_backup_verify_success 1');
  }, 240_000);
});

describe('integrity checks', () => {
  let dir: string;
  let cluster: PgCluster;

  beforeAll(async () => {
    ensureBuilt(() => undefined);
    dir = mkdtempSync(join(tmpdir(), 'fediflow-dr-spec-'));
    makePostgresOwnedDir(dir);
    cluster = new PgCluster('spec', {
      dataDir: join(dir, 'data'),
      port: await freePort(),
      archiveDir: makePostgresOwnedDir(join(dir, 'archive')),
      logFile: join(dir, 'pg.log'),
    });
    await cluster.init();
    await cluster.start();
    await cluster.query(`CREATE DATABASE ${DATABASE}`, [], 'postgres');
    await migrate(cluster.url(DATABASE));
  }, 240_000);
  afterAll(async () => {
    await cluster?.stop('immediate');
    rmSync(dir, { recursive: true, force: true });
  });

  it('report a wrong counter and an acknowledged write that is not there', async () => {
    const [account] = await cluster.query<{ id: string }>(
      `INSERT INTO accounts (username, display_name, statuses_count) VALUES ('drifted', 'D', 5) RETURNING id`,
    );
    const result = await checkIntegrity({
      databaseUrl: cluster.url(DATABASE),
      expected: [{ kind: 'status', key: '424242', sentAt: 0, ackedAt: 1 }],
    });
    expect(result.findings.map((f) => f.check).sort()).toEqual(['acknowledged writes', 'counters']);
    expect(result.findings.find((f) => f.check === 'counters')?.detail).toContain(
      `accounts.statuses_count: 1 rows differ from COUNT(*) (e.g. id ${account!.id}: 5 ≠ 0)`,
    );
    expect(result.acknowledged.status).toEqual({ checked: 1, missing: 1 });
  }, 60_000);

  it('the CLI answers usage errors with exit 2 and --help with 0', () => {
    const cli = join(import.meta.dirname, '../dr-drill.ts');
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { encoding: 'utf8' });
    expect(run('--help').status).toBe(0);
    const bad = run('meteor-strike');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('unknown scenario "meteor-strike"');
  }, 30_000);
});

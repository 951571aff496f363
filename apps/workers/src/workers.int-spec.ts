import { createServiceApp, type ServiceApp } from '@fediflow/bootstrap';
import { loadConfig } from '@fediflow/config';
import { FederationRuntime } from '@fediflow/federation';
import { HOUSEKEEPING_QUEUE, HousekeepingJob, Queues } from '@fediflow/queue';
import { waitFor, waitForStatus, type IsolatedInfrastructure } from '@fediflow/testing';
import { migratedDatabase, type MigratedDatabase } from '@fediflow/testing/fixtures';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueConsumersCheck, WorkersModule } from './app/workers.module';
import { PruneJobRuns } from './housekeeping/prune-job-runs';
import { JobRunClaims } from './scheduling/job-run-claims';

describe('workers against real PostgreSQL and Redis', () => {
  let infra: IsolatedInfrastructure;
  let dataSource: DataSource;
  let database: MigratedDatabase;
  let service: ServiceApp;
  let base: string;
  let metrics: string;

  beforeAll(async () => {
    database = await migratedDatabase('workers');
    ({ infra, db: dataSource } = database);
    const config = loadConfig('workers', {
      PUBLIC_ORIGIN: 'http://localhost',
      LOG_LEVEL: 'silent',
      ...infra.env,
    });
    service = await createServiceApp({
      config: { ...config, PORT: 0, METRICS_PORT: 0 },
      imports: [WorkersModule],
      readinessChecks: [QueueConsumersCheck],
      host: '127.0.0.1',
    });
    const ports = await service.listen();
    base = `http://127.0.0.1:${ports.port}`;
    metrics = `http://127.0.0.1:${ports.metricsPort}/metrics`;
  });
  afterAll(async () => {
    await service?.shutdown('test over');
    await database?.release();
  });

  async function jobRuns(): Promise<{ job: string; outcome: string; detail: unknown }[]> {
    return dataSource.query(`SELECT job, outcome, detail FROM job_runs ORDER BY id`);
  }

  it('reports the queue consumers in readiness', async () => {
    const response = await waitForStatus(`${base}/ready`, 200);
    expect(await response.json()).toMatchObject({
      info: { database: { status: 'up' }, redis: { status: 'up' }, queues: { status: 'up' } },
    });
  });

  it('schedules housekeeping at start-up and runs it once per interval', async () => {
    const succeeded = await waitFor('the scheduled housekeeping run', async () => {
      const runs = await jobRuns();
      return runs.find(
        (run) => run.job === HousekeepingJob.PruneJobRuns && run.outcome === 'succeeded',
      );
    });
    expect(succeeded.detail).toEqual({ deleted: 0 });
    const schedulers = await service.app.get(Queues).get(HOUSEKEEPING_QUEUE).getJobSchedulers();
    expect(schedulers.map((scheduler) => scheduler.key).sort()).toEqual(
      Object.values(HousekeepingJob).sort(),
    );
    // The follow re-send pass runs too (nothing pending here).
    const resend = await waitFor('the follow re-send run', async () =>
      (await jobRuns()).find(
        (run) => run.job === HousekeepingJob.ResendFollowRequests && run.outcome === 'succeeded',
      ),
    );
    expect(resend.detail).toEqual({ resent: 0 });

    // The same interval delivered again (another replica, a retry) is skipped, not re-run.
    await service.app
      .get(Queues)
      .get(HOUSEKEEPING_QUEUE)
      .add(HousekeepingJob.PruneJobRuns, { retentionDays: 30 });
    const text = await waitFor('a skipped run in the metrics', async () => {
      const body = await (await fetch(metrics)).text();
      return body.includes('job="prune-job-runs",outcome="skipped"') ? body : undefined;
    });
    expect(text).toMatch(
      /queue_jobs_processed_total\{queue="housekeeping",job="prune-job-runs",outcome="completed",service="workers"\} 1/,
    );
    expect(text).toMatch(
      /queue_jobs_processed_total\{queue="housekeeping",job="prune-job-runs",outcome="skipped",service="workers"\} 1/,
    );
    expect(
      (await jobRuns()).filter((run) => run.job === HousekeepingJob.PruneJobRuns),
    ).toHaveLength(1);
  });

  it('fails a job of an unknown name and counts it', async () => {
    await service.app.get(Queues).get(HOUSEKEEPING_QUEUE).add('no-such-job', {}, { attempts: 1 });
    await waitFor('a failed job in the metrics', async () => {
      const body = await (await fetch(metrics)).text();
      return body.includes('job="no-such-job",outcome="failed"') ? true : undefined;
    });
  });

  describe('JobRunClaims', () => {
    it('grants an interval once, again after a failure, and after a stale lease', async () => {
      const claims = service.app.get(JobRunClaims);
      const interval = new Date('2026-01-01T10:00:00Z');
      const first = await claims.claim('claims-test', interval, 60_000);
      expect(first).toBeDefined();
      expect(await claims.claim('claims-test', interval, 60_000)).toBeUndefined();

      await first!.fail(new Error('remote down'));
      const retry = await claims.claim('claims-test', interval, 60_000);
      expect(retry).toBeDefined();

      // Still "running" but its worker is gone: claimable once the lease has passed.
      expect(await claims.claim('claims-test', interval, 0)).toBeDefined();
      await retry!.succeed({ ok: true });
      expect(await claims.claim('claims-test', interval, 0)).toBeUndefined();
    });
  });

  describe('PruneJobRuns', () => {
    it('deletes finished runs past the retention and keeps running and recent ones', async () => {
      await dataSource.query(`
        INSERT INTO job_runs (job, scheduled_for, started_at, outcome) VALUES
          ('old-done', now() - interval '40 days', now() - interval '40 days', 'succeeded'),
          ('old-failed', now() - interval '40 days', now() - interval '40 days', 'failed'),
          ('old-running', now() - interval '40 days', now() - interval '40 days', 'running'),
          ('recent', now() - interval '1 day', now() - interval '1 day', 'succeeded')`);
      const result = await service.app.get(PruneJobRuns).run(30, 1);
      expect(result).toEqual({ deleted: 2 });
      const left = (await jobRuns()).map((run) => run.job);
      expect(left).toEqual(expect.arrayContaining(['old-running', 'recent']));
      expect(left).not.toContain('old-done');
    });
  });

  describe('PruneDeliveryFailures', () => {
    it('deletes failure records whose last failure is past the retention, keeps recent ones', async () => {
      await dataSource.query(`
        INSERT INTO delivery_failures
          (inbox_url, host, activity_id, activity_type, attempts, last_error, last_failed_at)
        VALUES
          ('https://a.example/inbox', 'a.example', 'https://h/1', 'Create', 18, 'gone',
           now() - interval '40 days'),
          ('https://b.example/inbox', 'b.example', 'https://h/2', 'Create', 3, 'timeout',
           now() - interval '2 days')`);
      const runtime = service.app.get(FederationRuntime);
      expect(await runtime.deliveryFailures.prune(30, 1)).toEqual({ deleted: 1 });
      expect((await runtime.deliveryFailures.list()).map((failure) => failure.host)).toEqual([
        'b.example',
      ]);
    });
  });
});

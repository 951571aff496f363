import { createServiceApp, type ServiceApp } from '@fediflow/bootstrap';
import { loadConfig } from '@fediflow/config';
import { createDataSource, runMigrations } from '@fediflow/database';
import { DIGEST_QUEUE, DigestJob, Queues } from '@fediflow/queue';
import { isolatedInfrastructure, waitFor, type IsolatedInfrastructure } from '@fediflow/testing';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueConsumersCheck, WorkersModule } from '../app/workers.module';
import {
  createAccount,
  createMember,
  cursorOf,
  deliveriesOf,
  notify,
  type Member,
} from './digest-fixtures.testing';

describe('email digest without SMTP_URL', () => {
  let infra: IsolatedInfrastructure;
  let db: DataSource;
  let service: ServiceApp;
  let metricsUrl: string;
  let member: Member;

  beforeAll(async () => {
    infra = await isolatedInfrastructure('digest-off');
    db = createDataSource({ url: infra.database.url, applicationName: 'digest-off-test' });
    await db.initialize();
    await runMigrations(db);
    member = await createMember(db, { username: 'ivy' });
    await notify(db, {
      to: member,
      from: await createAccount(db, { username: 'fan' }),
      type: 'follow',
    });
    const config = loadConfig('workers', {
      PUBLIC_ORIGIN: 'http://social.test',
      LOG_LEVEL: 'silent',
      ...infra.env,
    });
    expect(config.SMTP_URL).toBeUndefined();
    service = await createServiceApp({
      config: { ...config, PORT: 0, METRICS_PORT: 0 },
      imports: [WorkersModule],
      readinessChecks: [QueueConsumersCheck],
      host: '127.0.0.1',
    });
    metricsUrl = `http://127.0.0.1:${(await service.listen()).metricsPort}/metrics`;
  });
  afterAll(async () => {
    await service?.shutdown('test over');
    await db?.destroy();
    await infra?.release();
  });

  it('skips every run, counts it as skipped and marks nothing', async () => {
    const job = await service.app
      .get(Queues)
      .get(DIGEST_QUEUE)
      .add(DigestJob.SendDigests, {}, { attempts: 1 });
    expect(
      await waitFor('the digest job', async () => {
        const state = await job.getState();
        return state === 'completed' || state === 'failed' ? state : undefined;
      }),
    ).toBe('completed');

    const metrics = await (await fetch(metricsUrl)).text();
    // The start-up run of the schedule and the job above.
    const skipped = Number(
      /queue_jobs_processed_total\{queue="digest",job="send-digests",outcome="skipped"[^}]*\} (\d+)/.exec(
        metrics,
      )?.[1],
    );
    expect(skipped).toBeGreaterThanOrEqual(1);
    expect(metrics).not.toMatch(/job="send-digests",outcome="(completed|failed)"/);
    expect(
      await db.query(`SELECT 1 FROM job_runs WHERE job = $1`, [DigestJob.SendDigests]),
    ).toEqual([]);
    expect(await deliveriesOf(db, member)).toEqual([]);
    expect(await cursorOf(db, member)).toBe('0');
  });
});

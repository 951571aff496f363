import { createServiceApp, type ServiceApp } from '@fediflow/bootstrap';
import { loadConfig } from '@fediflow/config';
import { DIGEST_QUEUE, DigestJob, Queues } from '@fediflow/queue';
import { waitFor, type IsolatedInfrastructure } from '@fediflow/testing';
import {
  migratedDatabase,
  type MigratedDatabase,
  localMember,
  type LocalMember,
} from '@fediflow/testing/fixtures';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueConsumersCheck, WorkersModule } from '../app/workers.module';
import { createAccount, cursorOf, deliveriesOf, notify } from './digest-fixtures.testing';

describe('email digest without SMTP_URL', () => {
  let infra: IsolatedInfrastructure;
  let db: DataSource;
  let database: MigratedDatabase;
  let service: ServiceApp;
  let metricsUrl: string;
  let member: LocalMember;

  beforeAll(async () => {
    database = await migratedDatabase('digest-off');
    ({ infra, db } = database);
    member = await localMember(db, { username: 'ivy', digest: true });
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
    await database?.release();
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

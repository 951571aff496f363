import { createServiceApp, type ServiceApp } from '@fediflow/bootstrap';
import { loadConfig, type WorkersConfig } from '@fediflow/config';
import { createDataSource } from '@fediflow/database';
import { DIGEST_QUEUE, DigestJob, Queues } from '@fediflow/queue';
import { waitFor, type IsolatedInfrastructure } from '@fediflow/testing';
import {
  migratedDatabase,
  type MigratedDatabase,
  localMember,
  remoteActor,
  status,
} from '@fediflow/testing/fixtures';
import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueConsumersCheck, WorkersModule } from '../app/workers.module';
import { DigestDeliveries } from './digest-deliveries.repository';
import {
  ageDeliveries,
  createAccount,
  cursorOf,
  deliveriesOf,
  notify,
} from './digest-fixtures.testing';
import { DigestMailer } from './digest.mailer';
import { DigestMetrics } from './digest.metrics';
import { DigestService } from './digest.service';
import { SmtpTestServer } from './smtp-test-server.testing';

const ORIGIN = 'http://social.test';
const FIVE_MINUTES = 5 * 60_000;
/** Past the delivery lease (2 minutes). */
const LEASE_PASSED = 3 * 60_000;

describe('email digest against real PostgreSQL, Redis and SMTP', () => {
  let infra: IsolatedInfrastructure;
  let db: DataSource;
  let database: MigratedDatabase;
  let smtp: SmtpTestServer;
  let config: WorkersConfig;
  let service: ServiceApp;
  let metricsUrl: string;
  let schedulersAtStart: string[];
  /** Each run gets its own 5-minute interval; the claims make a reused interval a no-op. */
  let nextInterval = Date.UTC(2030, 0, 1);

  beforeAll(async () => {
    database = await migratedDatabase('digest');
    ({ infra, db } = database);
    smtp = await SmtpTestServer.start();
    config = loadConfig('workers', {
      PUBLIC_ORIGIN: ORIGIN,
      LOG_LEVEL: 'silent',
      SMTP_URL: smtp.url,
      ...infra.env,
    });
    service = await createServiceApp({
      config: { ...config, PORT: 0, METRICS_PORT: 0 },
      imports: [WorkersModule],
      readinessChecks: [QueueConsumersCheck],
      host: '127.0.0.1',
    });
    const ports = await service.listen();
    metricsUrl = `http://127.0.0.1:${ports.metricsPort}/metrics`;
    // The schedule runs once at start-up (nobody is opted in yet); later runs are the tests'.
    // BullMQ's scheduler and worker have to come up first: on a CI runner busy with the image
    // and e2e suites that once took over the default 20 s (the hook itself may take 60 s).
    await waitFor(
      'the digest run at start-up',
      async () => {
        const [run]: { outcome: string }[] = await db.query(
          `SELECT outcome FROM job_runs WHERE job = $1 AND outcome = 'succeeded'`,
          [DigestJob.SendDigests],
        );
        return run;
      },
      { timeoutMs: 45_000 },
    );
    const queue = service.app.get(Queues).get(DIGEST_QUEUE);
    schedulersAtStart = (await queue.getJobSchedulers()).map((scheduler) => scheduler.key);
    await queue.removeJobScheduler(DigestJob.SendDigests);
  });
  afterAll(async () => {
    await service?.shutdown('test over');
    await smtp?.close();
    await database?.release();
  });

  /** Enqueues the digest job as the scheduler would for `at` and waits until it finished. */
  async function runJob(at: number): Promise<string> {
    const job = await service.app
      .get(Queues)
      .get(DIGEST_QUEUE)
      .add(DigestJob.SendDigests, {}, { timestamp: at, attempts: 1 });
    return waitFor(`digest job ${job.id}`, async () => {
      const state = await job.getState();
      return state === 'completed' || state === 'failed' ? state : undefined;
    });
  }

  /** One digest run in a fresh interval. */
  async function runDigest(): Promise<void> {
    nextInterval += FIVE_MINUTES;
    expect(await runJob(nextInterval)).toBe('completed');
  }

  async function metrics(): Promise<string> {
    return (await fetch(metricsUrl)).text();
  }

  function counter(text: string, pattern: RegExp): number {
    return Number(pattern.exec(text)?.[1] ?? 0);
  }

  it('registers the 5-minute schedule at start-up', () => {
    expect(schedulersAtStart).toEqual([DigestJob.SendDigests]);
  });

  it('emails an opted-in member their new notifications once, escaped, with unsubscribe headers', async () => {
    const alice = await localMember(db, { username: 'alice', digest: true });
    const carol = await localMember(db, { username: 'carol' });
    const mallory = await remoteActor(db, {
      username: 'mallory',
      uri: 'https://evil.example/users/mallory',
      displayName: '<img src=x onerror=alert(1)>',
    });
    const post = await status(db, {
      accountId: alice.accountId,
      text: 'my <b>bold</b> post',
    });
    const reply = await status(db, { accountId: mallory, text: '@alice look & "see"' });
    const first = await notify(db, { to: alice, from: mallory, type: 'follow' });
    await notify(db, { to: alice, from: mallory, type: 'favourite', statusId: post });
    const last = await notify(db, { to: alice, from: mallory, type: 'mention', statusId: reply });
    await notify(db, { to: carol, from: mallory, type: 'follow' });

    await runDigest();

    const [mail, ...others] = smtp.to(alice.email);
    expect(others).toEqual([]);
    expect(smtp.to(carol.email)).toEqual([]);
    expect(mail!.messageId).toBe(`<digest-${alice.userId}-${last}@social.test>`);
    expect(mail!.headers.get('subject')).toBe('3 new notifications on social.test');
    const unsubscribe = `${ORIGIN}/email/unsubscribe?token=${alice.unsubscribeToken}`;
    expect(mail!.headers.get('list-unsubscribe')).toBe(`<${unsubscribe}>`);
    expect(mail!.headers.get('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(mail!.headers.get('content-type')).toMatch(/^multipart\/alternative/);

    const html = mail!.parts.get('text/html')!;
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<img');
    expect(html).toContain('my &lt;b&gt;bold&lt;/b&gt; post');
    expect(html).toContain('@alice look &amp; &quot;see&quot;');
    expect(html).toContain(`href="${unsubscribe}"`);
    const text = mail!.parts.get('text/plain')!;
    expect(text).toContain('(@mallory@evil.example) followed you');
    expect(text).toContain('favourited your post: "my <b>bold</b> post"');
    expect(text).toContain('mentioned you: "@alice look & "see""');
    expect(text).toContain(`Unsubscribe: ${unsubscribe}`);

    expect(await deliveriesOf(db, alice)).toEqual([
      expect.objectContaining({
        first_notification_id: first,
        last_notification_id: last,
        status: 'sent',
        attempts: 1,
        last_error: null,
      }),
    ]);
    expect(await cursorOf(db, alice)).toBe(last);
    expect(await deliveriesOf(db, carol)).toEqual([]);
    expect(counter(await metrics(), /digest_emails_total\{outcome="sent"[^}]*\} (\d+)/)).toBe(1);

    // Nothing new: no email.
    await runDigest();
    expect(smtp.to(alice.email)).toHaveLength(1);

    // New notifications: the next digest has those only. One too fresh to be settled waits.
    const bob = await createAccount(db, { username: 'bob', displayName: 'Bob' });
    const fresh = await notify(db, { to: alice, from: bob, type: 'follow' });
    const newPost = await status(db, { accountId: alice.accountId, text: 'second post' });
    const favourite = await notify(db, {
      to: alice,
      from: bob,
      type: 'favourite',
      statusId: newPost,
    });
    const unsettled = await notify(db, {
      to: alice,
      from: bob,
      type: 'reblog',
      statusId: newPost,
      ageMs: 0,
    });

    await runDigest();

    const digests = smtp.to(alice.email);
    expect(digests).toHaveLength(2);
    const second = digests[1]!.parts.get('text/plain')!;
    expect(digests[1]!.headers.get('subject')).toBe('2 new notifications on social.test');
    expect(second).toContain('Bob (@bob) followed you');
    expect(second).toContain('Bob (@bob) favourited your post: "second post"');
    expect(second).not.toContain('mallory');
    expect(second).not.toContain('boosted');
    expect((await deliveriesOf(db, alice))[1]).toMatchObject({
      first_notification_id: fresh,
      last_notification_id: favourite,
      status: 'sent',
    });
    expect(BigInt(await cursorOf(db, alice))).toBeLessThan(BigInt(unsettled));
    // Out of the way of later tests' runs once it settles.
    await db.query(`DELETE FROM notifications WHERE id = $1`, [unsettled]);
  });

  it('leaves out notifications from accounts hidden after they arrived (mute, domain block)', async () => {
    const gail = await localMember(db, { username: 'gail', digest: true });
    const friend = await createAccount(db, { username: 'hal', displayName: 'Hal' });
    const pest = await createAccount(db, { username: 'pest', displayName: 'Pest' });
    const troll = await remoteActor(db, { username: 'troll', uri: 'https://spam.example/u/troll' });
    await notify(db, { to: gail, from: friend, type: 'follow' });
    await notify(db, { to: gail, from: pest, type: 'follow' });
    await notify(db, { to: gail, from: troll, type: 'follow' });
    await db.query(
      `INSERT INTO mutes (account_id, target_account_id, hide_notifications) VALUES ($1, $2, true)`,
      [gail.accountId, pest],
    );
    await db.query(`INSERT INTO account_domain_blocks (account_id, domain) VALUES ($1, $2)`, [
      gail.accountId,
      'spam.example',
    ]);

    await runDigest();

    const [mail, ...others] = smtp.to(gail.email);
    expect(others).toEqual([]);
    expect(mail!.headers.get('subject')).toBe('1 new notification on social.test');
    const text = mail!.parts.get('text/plain')!;
    expect(text).toContain('Hal (@hal) followed you');
    expect(text).not.toContain('pest');
    expect(text).not.toContain('troll');
  });

  it('runs once per interval however often the job is delivered', async () => {
    const dana = await localMember(db, { username: 'dana', digest: true });
    const from = await createAccount(db, { username: 'dana_fan' });
    await notify(db, { to: dana, from, type: 'follow' });
    const before = await metrics();
    const skippedPattern =
      /queue_jobs_processed_total\{queue="digest",job="send-digests",outcome="skipped"[^}]*\} (\d+)/;

    nextInterval += FIVE_MINUTES;
    const interval = nextInterval;
    expect(await runJob(interval)).toBe('completed');
    await notify(db, {
      to: dana,
      from: await createAccount(db, { username: 'late_fan' }),
      type: 'follow',
    });
    expect(await runJob(interval + 1_000)).toBe('completed');

    expect(smtp.to(dana.email)).toHaveLength(1);
    expect(await deliveriesOf(db, dana)).toHaveLength(1);
    const runs: unknown[] = await db.query(
      `SELECT 1 FROM job_runs WHERE job = $1 AND scheduled_for = $2`,
      [DigestJob.SendDigests, new Date(interval)],
    );
    expect(runs).toHaveLength(1);
    expect(counter(await metrics(), skippedPattern)).toBe(counter(before, skippedPattern) + 1);

    // The late notification goes out with the next interval.
    await runDigest();
    expect(smtp.to(dana.email)).toHaveLength(2);
  });

  it('loses nothing and duplicates nothing when a worker dies in the middle of a run', async () => {
    const erik = await localMember(db, { username: 'erik', digest: true });
    const fay = await localMember(db, { username: 'fay', digest: true });
    const from = await createAccount(db, { username: 'crash_fan', displayName: 'Fan' });
    await notify(db, { to: erik, from, type: 'follow' });
    const fayFirst = await notify(db, { to: fay, from, type: 'follow' });
    const fayStatus = await status(db, { accountId: fay.accountId, text: 'hold on' });
    const fayLast = await notify(db, { to: fay, from, type: 'favourite', statusId: fayStatus });
    smtp.behave(fay.email, 'stall');

    // A second worker process, as far as PostgreSQL and the SMTP server can tell.
    const doomedDb = createDataSource({
      url: infra.database.url,
      applicationName: 'digest-doomed',
    });
    await doomedDb.initialize();
    const doomedMailer = new DigestMailer(config);
    const doomed = new DigestService(
      new DigestDeliveries(doomedDb),
      doomedMailer,
      new DigestMetrics(new Registry()),
      config,
    );
    const doomedRun = doomed.run().then(
      () => 'finished',
      () => 'died',
    );

    // Erik's digest went out; Fay's was committed and is on the wire when the worker dies.
    const stalled = await waitFor('the send to fay to stall', async () => smtp.stalled[0]);
    expect(stalled.to).toBe(fay.email);
    expect(smtp.to(erik.email)).toHaveLength(1);
    await db.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'digest-doomed'`,
    );
    smtp.releaseStalled();
    expect(await doomedRun).toBe('died');
    doomedMailer.onModuleDestroy();
    await doomedDb.destroy().catch(() => undefined);

    // Nothing was marked: the delivery still owns Fay's notifications, and nobody got them.
    expect(await deliveriesOf(db, fay)).toEqual([
      expect.objectContaining({
        first_notification_id: fayFirst,
        last_notification_id: fayLast,
        message_id: stalled.messageId,
        status: 'sending',
        attempts: 0,
      }),
    ]);
    expect(await cursorOf(db, fay)).toBe(fayLast);
    expect(smtp.to(fay.email)).toEqual([]);
    smtp.behave(fay.email, 'accept');

    // Within the lease the delivery may still be in a live worker's hands: left alone.
    await runDigest();
    expect(smtp.to(fay.email)).toEqual([]);
    expect(await deliveriesOf(db, fay)).toHaveLength(1);

    // Past the lease the next run sends the same email once; Erik gets no second one.
    await ageDeliveries(db, fay, LEASE_PASSED);
    await runDigest();
    const [resent, ...extra] = smtp.to(fay.email);
    expect(extra).toEqual([]);
    expect(resent!.messageId).toBe(stalled.messageId);
    expect(resent!.parts.get('text/plain')).toBe(stalled.parts.get('text/plain'));
    expect(smtp.to(erik.email)).toHaveLength(1);
    expect(await deliveriesOf(db, fay)).toEqual([
      expect.objectContaining({ status: 'sent', attempts: 1 }),
    ]);
    expect(await deliveriesOf(db, erik)).toEqual([
      expect.objectContaining({ status: 'sent', attempts: 1 }),
    ]);
  });

  it('retries a temporary SMTP failure on a later run and gives up on a permanent one', async () => {
    const gus = await localMember(db, { username: 'gus', digest: true });
    const hana = await localMember(db, { username: 'hana', digest: true });
    const from = await createAccount(db, { username: 'smtp_fan' });
    await notify(db, { to: gus, from, type: 'follow' });
    await notify(db, { to: hana, from, type: 'follow' });
    smtp.behave(gus.email, { stage: 'data', code: 451, times: 1 });
    smtp.behave(hana.email, { stage: 'rcpt', code: 550 });
    const before = await metrics();
    const outcome = (name: string) =>
      new RegExp(`digest_emails_total\\{outcome="${name}"[^}]*\\} (\\d+)`);

    await runDigest();

    expect(smtp.to(gus.email)).toEqual([]);
    expect(smtp.to(hana.email)).toEqual([]);
    expect(await deliveriesOf(db, gus)).toEqual([
      expect.objectContaining({
        status: 'sending',
        attempts: 1,
        last_error: expect.stringMatching(/451/),
      }),
    ]);
    expect(await deliveriesOf(db, hana)).toEqual([
      expect.objectContaining({
        status: 'failed',
        attempts: 1,
        last_error: expect.stringMatching(/550/),
      }),
    ]);
    const after = await metrics();
    expect(counter(after, outcome('retried'))).toBe(counter(before, outcome('retried')) + 1);
    expect(counter(after, outcome('failed'))).toBe(counter(before, outcome('failed')) + 1);

    await ageDeliveries(db, gus, LEASE_PASSED);
    await ageDeliveries(db, hana, LEASE_PASSED);
    await runDigest();

    expect(smtp.to(gus.email)).toHaveLength(1);
    expect(smtp.to(hana.email)).toEqual([]);
    expect(await deliveriesOf(db, gus)).toEqual([
      expect.objectContaining({ status: 'sent', attempts: 2, last_error: null }),
    ]);
    expect(await deliveriesOf(db, hana)).toEqual([
      expect.objectContaining({ status: 'failed', attempts: 1 }),
    ]);
  });
});

/**
 * Redis loss: the services' Redis is killed mid-load and comes back empty (no persistence, as a
 * replacement node would). Measures what the clients saw, how long until every service is ready
 * again, whether feeds still answer, and — against the remote peer, which follows every member —
 * which acknowledged posts never got their delivery and which acknowledged inbox notes were never
 * stored.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { waitForStatus } from '@fediflow/testing';
import { DATABASE, startEnvironment } from '../environment.ts';
import { checkIntegrity, type Finding } from '../integrity.ts';
import { machine, type DrillReport, type Figure } from '../report.ts';
import {
  ledgerSummary,
  outageWindow,
  seconds,
  waitForInboxNotes,
  writeLoadOn,
  type DrillOptions,
} from './common.ts';

export type RedisLossOptions = DrillOptions;

/** How long Redis stays down before the empty replacement is up. */
const OUTAGE_MS = 3_000;
/**
 * The workers are paused (SIGSTOP) this long before the loss, so that the queues hold a backlog
 * when Redis goes, as they do under real load; without it the loss hits an empty queue by luck.
 */
const BACKLOG_MS = 2_000;
const DRAIN_MS = 60_000;

export async function redisLossDrill(options: RedisLossOptions): Promise<DrillReport> {
  const { step } = options.progress;
  const startedAt = new Date().toISOString();
  const env = await startEnvironment({ ...options, progress: options.progress });
  try {
    const load = writeLoadOn(env, options, 5);
    step(
      `steady load for ${options.loadSeconds} s (API writes + inbox; the peer follows every member)`,
    );
    await load.runFor(options.loadSeconds);
    const workersPid = env.services.workers.process.pid;
    if (workersPid === undefined) throw new Error('workers have no pid');
    process.kill(workersPid, 'SIGSTOP');
    step(`workers paused for ${BACKLOG_MS / 1000} s: the queues build a backlog`);
    await sleep(BACKLOG_MS);
    const lostAt = Date.now();
    await env.redis.stop();
    step(`✖ redis-server killed (SIGKILL); back, empty, in ${OUTAGE_MS / 1000} s`);
    await sleep(OUTAGE_MS);
    await env.redis.start();
    const backAt = Date.now();
    process.kill(workersPid, 'SIGCONT');
    step('redis-server restarted empty on the same port');
    await Promise.all(
      [env.services.api, env.services.federation, env.services.workers].map((s) =>
        waitForStatus(`${s.base}/ready`, 200, 60_000),
      ),
    );
    const readyAt = Date.now();
    step(`every service ready again after ${seconds(readyAt - backAt)} s`);
    await load.runFor(options.loadSeconds);
    const ledger = await load.stop();
    step(`load stopped: ${ledgerSummary(ledger)}`);

    const posts = ledger.acked.filter((w) => w.kind === 'status');
    // A delivered Note's id ends with the status id (a snowflake, unique on its own).
    const delivered = () =>
      new Set([...env.peer.deliveredObjects].map((uri) => uri.slice(uri.lastIndexOf('/') + 1)));
    const undelivered = () => {
      const ids = delivered();
      return posts.filter((w) => !ids.has(w.key));
    };
    const deadline = Date.now() + DRAIN_MS;
    while (undelivered().length > 0 && Date.now() < deadline) await sleep(500);
    const lost = undelivered();
    step(
      `deliveries: ${posts.length - lost.length} of ${posts.length} acknowledged posts reached the peer`,
    );

    const inboxUris = ledger.acked.filter((w) => w.kind === 'inbox-note').map((w) => w.key);
    const stored = await waitForInboxNotes(env.primary, inboxUris, 10_000);
    const home = await env.members[0]!.client.get<unknown[]>('/api/v1/timelines/home');
    step(
      `home timeline after the loss: HTTP ${home.status}, ${Array.isArray(home.body) ? home.body.length : 0} posts`,
    );

    const integrity = await checkIntegrity({
      databaseUrl: env.primary.url(DATABASE),
      // Inbox notes are judged below (they were acknowledged into Redis, not into PostgreSQL).
      expected: ledger.acked.filter((w) => w.kind !== 'inbox-note'),
    });
    const outage = outageWindow(ledger, lostAt);
    const findings: Finding[] = [...integrity.findings];
    if (lost.length > 0)
      findings.push({
        check: 'deliveries',
        detail: `${lost.length} acknowledged posts never reached the remote follower (sent ${lost
          .map((w) => `${seconds(w.sentAt - lostAt)} s`)
          .slice(0, 5)
          .join(', ')} relative to the loss)`,
      });
    if (stored < inboxUris.length)
      findings.push({
        check: 'inbox',
        detail: `${inboxUris.length - stored} acknowledged (202) inbox notes were never stored`,
      });
    const failedDuring = ledger.failed.filter((f) => f.at >= lostAt && f.at <= readyAt);
    const figures: Figure[] = [
      {
        name: 'Redis down (kill → empty replacement up)',
        value: seconds(backAt - lostAt),
        unit: 's',
      },
      { name: 'replacement up → every service ready', value: seconds(readyAt - backAt), unit: 's' },
      {
        name: 'API writes failed during the loss',
        value: failedDuring.filter((f) => f.kind !== 'inbox-note').length,
        unit: 'requests',
      },
      {
        name: 'inbox POSTs refused during the loss (the sender retries)',
        value: failedDuring.filter((f) => f.kind === 'inbox-note').length,
        unit: 'requests',
      },
      {
        name: 'first failed → first acknowledged API write',
        value:
          outage.firstFailure && outage.firstSuccess
            ? seconds(outage.firstSuccess - outage.firstFailure)
            : 0,
        unit: 's',
      },
      {
        name: 'acknowledged posts without a delivery',
        value: lost.length,
        unit: 'posts',
        target: '0',
        ok: lost.length === 0,
      },
      {
        name: 'acknowledged inbox notes never stored',
        value: inboxUris.length - stored,
        unit: 'notes',
        target: '0',
        ok: stored >= inboxUris.length,
      },
      {
        name: 'acknowledged API writes missing in PostgreSQL',
        value: Object.values(integrity.acknowledged).reduce((s, v) => s + v.missing, 0),
        unit: 'writes',
        target: '0',
        ok: integrity.findings.every((f) => f.check !== 'acknowledged writes'),
      },
    ];
    return {
      scenario: 'redis-loss',
      startedAt,
      finishedAt: new Date().toISOString(),
      machine: machine(),
      parameters: {
        loadSeconds: options.loadSeconds,
        members: options.members,
        writers: options.writers,
        outageMs: OUTAGE_MS,
        backlogMs: BACKLOG_MS,
        redis: 'private redis-server, no persistence (comes back empty)',
      },
      figures,
      timeline: options.progress.timeline,
      observations: [
        ledgerSummary(ledger),
        `Failure outcomes while Redis was down: ${[...new Set(failedDuring.map((f) => `${f.kind} ${f.outcome}`))].join(', ') || 'none'}.`,
        `Home timeline after the loss: HTTP ${home.status} (feeds are read from PostgreSQL, nothing to rebuild).`,
        `The remote peer received ${env.peer.deliveries} deliveries in total and ${env.peer.actorFetches} fetches of its actor document.`,
        "API writes issued while Redis was down wait in ioredis's offline queue and are sent once it is back. Inbox POSTs are answered 503 while Redis or PostgreSQL is down (the sender retries); an accepted (202) activity is journaled in PostgreSQL (inbox_journal) and re-enqueued by the workers once Redis is back with a new epoch marker. Pending deliveries are relayed again from the outbox (rows kept for its redelivery window).",
      ],
      integrity,
      findings,
      passed: findings.length === 0,
    };
  } finally {
    await env.teardown();
  }
}

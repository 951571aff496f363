/**
 * Failover: the primary's host dies (SIGKILL to every PostgreSQL process) under load; a failover
 * controller notices (consecutive failed probes), promotes the standby and moves the database
 * endpoint to it; the services reconnect on their own. RTO = first failed → first acknowledged
 * API write; RPO = acknowledged writes the promoted standby does not have.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '@fediflow/testing';
import pg from 'pg';
import { DATABASE, startEnvironment, type Progress } from '../environment.ts';
import { measureCommitLatency, type CommitLatency } from '../commit-latency.ts';
import { checkIntegrity } from '../integrity.ts';
import type { PgCluster } from '../postgres.ts';
import { machine, type DrillReport, type Figure } from '../report.ts';
import { serverErrors } from '../server-errors.ts';
import {
  ledgerSummary,
  outageWindow,
  percentile,
  seconds,
  waitForInboxNotes,
  writeLoadOn,
} from './common.ts';

export interface FailoverOptions {
  replication: 'async' | 'sync';
  /** Seconds of load before the crash, and after the first write that succeeds again. */
  loadSeconds: number;
  members: number;
  writers: number;
  /** Probe interval and consecutive failures before the controller declares the primary dead. */
  probeIntervalMs: number;
  probeFailures: number;
  keep: boolean;
  logDir?: string;
  progress: Progress;
}

/** One probe as a failover controller runs it: connect and SELECT 1 within the interval. */
async function probe(cluster: PgCluster, timeoutMs: number): Promise<boolean> {
  const client = new pg.Client({
    connectionString: cluster.url('postgres'),
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function failoverDrill(options: FailoverOptions): Promise<DrillReport> {
  const { step } = options.progress;
  const startedAt = new Date().toISOString();
  const env = await startEnvironment({
    standby: options.replication,
    members: options.members,
    keep: options.keep,
    logDir: options.logDir,
    progress: options.progress,
  });
  try {
    const standby = env.standby!;
    let commitLatency: CommitLatency[] = [];
    if (options.replication === 'sync') {
      commitLatency = await measureCommitLatency(env.primary);
      step(
        `commit latency p50: ${commitLatency.map((c) => `synchronous_commit=${c.mode} ${c.p50Ms} ms`).join(', ')}`,
      );
    }
    const load = writeLoadOn(env, options, 5);
    step(`steady load for ${options.loadSeconds} s (${options.writers} API writers + inbox)`);
    const steadyFrom = Date.now();
    await load.runFor(options.loadSeconds);
    const steadyTo = Date.now();

    const crashedAt = Date.now();
    env.primary.crash();
    step('✖ primary crashed (SIGKILL to the postmaster and every backend)');
    let failures = 0;
    while (failures < options.probeFailures) {
      const probeStarted = Date.now();
      failures = (await probe(env.primary, options.probeIntervalMs)) ? 0 : failures + 1;
      await sleep(Math.max(0, options.probeIntervalMs - (Date.now() - probeStarted)));
    }
    const detectedAt = Date.now();
    step(`controller: ${options.probeFailures} failed probes → primary declared dead`);
    await standby.promote();
    env.endpoint.reset({ host: '127.0.0.1', port: standby.port });
    const promotedAt = Date.now();
    step(`standby promoted and endpoint moved to :${standby.port}`);

    // Wait for writes to succeed again (a drill that never recovers reports it as an RTO finding),
    // then keep the load on for the "after" period.
    const window = () => outageWindow(load.ledger, crashedAt);
    await waitFor('an acknowledged write', async () => window().firstSuccess, {
      timeoutMs: 120_000,
      intervalMs: 200,
    }).catch(() => undefined);
    step('writes acknowledged again; load continues on the new primary');
    await load.runFor(options.loadSeconds);
    const ledger = await load.stop();
    step(`load stopped: ${ledgerSummary(ledger)}`);

    const inboxUris = ledger.acked.filter((w) => w.kind === 'inbox-note').map((w) => w.key);
    const stored = await waitForInboxNotes(standby, inboxUris, 60_000);
    step(`${stored} of ${inboxUris.length} acknowledged inbox notes stored by the workers`);

    const integrity = await checkIntegrity({
      databaseUrl: standby.url(DATABASE),
      expected: ledger.acked,
    });
    step(`integrity checked in ${seconds(integrity.durationMs)} s`);

    const outage = window();
    const rtoMs =
      outage.firstFailure !== undefined && outage.firstSuccess !== undefined
        ? outage.firstSuccess - outage.firstFailure
        : Number.NaN;
    const apiKinds = new Set(['status', 'favourite', 'follow']);
    const missingApi = Object.entries(integrity.acknowledged)
      .filter(([kind]) => apiKinds.has(kind))
      .reduce((sum, [, v]) => sum + v.missing, 0);
    const latency = ledger.latencies('status', steadyFrom, steadyTo);
    const rpoTarget = options.replication === 'sync' ? 0 : undefined;
    const figures: Figure[] = [
      {
        name: 'RTO (first failed → first acknowledged write)',
        value: seconds(rtoMs),
        unit: 's',
        target: '< 30 s',
        ok: rtoMs < 30_000,
      },
      {
        name: 'RPO (acknowledged API writes missing after failover)',
        value: missingApi,
        unit: 'writes',
        target: rpoTarget === 0 ? '0 (synchronous)' : '< 5 s of writes (asynchronous)',
        ok:
          rpoTarget === 0
            ? missingApi === 0
            : missingApi === 0 || missingApi < 5 * writesPerSecond(ledger, steadyFrom, steadyTo),
      },
      { name: 'crash → primary declared dead', value: seconds(detectedAt - crashedAt), unit: 's' },
      { name: 'promote + endpoint switch', value: seconds(promotedAt - detectedAt), unit: 's' },
      { name: 'failed API writes during the outage', value: outage.failures, unit: 'requests' },
      {
        name: `POST /api/v1/statuses p50 before the crash (${options.replication})`,
        value: percentile(latency, 50),
        unit: 'ms',
      },
      {
        name: `POST /api/v1/statuses p95 before the crash (${options.replication})`,
        value: percentile(latency, 95),
        unit: 'ms',
      },
      {
        name: 'write throughput before the crash',
        value: Math.round(writesPerSecond(ledger, steadyFrom, steadyTo)),
        unit: 'writes/s',
      },
    ];
    for (const c of commitLatency) {
      figures.push(
        {
          name: `commit p50, synchronous_commit=${c.mode} (${c.commits} commits)`,
          value: c.p50Ms,
          unit: 'ms',
        },
        { name: `commit p95, synchronous_commit=${c.mode}`, value: c.p95Ms, unit: 'ms' },
      );
    }
    const errors = serverErrors(ledger, env.services);
    step(`${errors.length} HTTP 500s or logged request errors`);
    const findings = [...integrity.findings];
    if (errors.length > 0)
      findings.push({
        check: 'never a 500',
        detail: `${errors.length} HTTP 500s or logged request errors (see "HTTP 500s")`,
      });
    if (!(rtoMs < 30_000))
      findings.push({ check: 'RTO', detail: `writes did not recover within 30 s (${rtoMs} ms)` });
    if (rpoTarget === 0 && missingApi > 0)
      findings.push({
        check: 'RPO',
        detail: `${missingApi} acknowledged writes lost with synchronous replication`,
      });
    return {
      scenario: `failover-${options.replication}`,
      startedAt,
      finishedAt: new Date().toISOString(),
      machine: machine(),
      parameters: {
        replication: options.replication,
        loadSeconds: options.loadSeconds,
        members: options.members,
        writers: options.writers,
        probeIntervalMs: options.probeIntervalMs,
        probeFailures: options.probeFailures,
        endpoint: 'switchable TCP endpoint (models the RDS endpoint DNS name)',
      },
      figures,
      timeline: options.progress.timeline,
      observations: [
        ledgerSummary(ledger),
        `Outage seen by clients: ${outage.failures} failed writes, outcomes ${[
          ...new Set(ledger.failed.filter((f) => f.at >= crashedAt).map((f) => f.outcome)),
        ].join(', ')}.`,
        `Inbox: ${stored} of ${inboxUris.length} acknowledged notes stored (the queue lives in Redis, which survived).`,
        'The old primary is left down: rejoining it would need pg_rewind (not part of this drill).',
      ],
      integrity,
      serverErrors: errors,
      findings,
      passed: findings.length === 0,
    };
  } finally {
    await env.teardown();
  }
}

function writesPerSecond(
  ledger: { acked: { kind: string; ackedAt: number }[] },
  from: number,
  to: number,
): number {
  const n = ledger.acked.filter(
    (w) => w.kind !== 'inbox-note' && w.ackedAt >= from && w.ackedAt < to,
  ).length;
  return n / Math.max(1, (to - from) / 1_000);
}

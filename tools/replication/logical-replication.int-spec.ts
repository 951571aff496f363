/**
 * Cross-cloud replication proven on two real PostgreSQL 15 clusters this suite starts (never the
 * shared server): a primary with wal_level=logical and a subscriber, as RDS → Flexible Server /
 * Cloud SQL would be. Writes on the primary appear on the subscriber, lag is measured, and a
 * cutover under concurrent writes loses no write the primary acknowledged.
 */
import { PostgresClusterProcess } from '@fediflow/testing';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ReplicationError,
  cutOver,
  promote,
  setUp,
  status,
  type Endpoints,
} from './logical-replication.ts';

const SCHEMA = `
  CREATE TABLE statuses (
    id bigserial PRIMARY KEY,
    body text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE TABLE follows (account_id bigint NOT NULL, target_id bigint NOT NULL, PRIMARY KEY (account_id, target_id));
`;

let primary: PostgresClusterProcess;
let subscriber: PostgresClusterProcess;
let endpoints: Endpoints;

async function query<T extends pg.QueryResultRow>(url: string, text: string, values?: unknown[]) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

async function waitUntil(what: string, probe: () => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

beforeAll(async () => {
  [primary, subscriber] = await Promise.all([
    PostgresClusterProcess.start({ settings: { wal_level: 'logical' } }),
    PostgresClusterProcess.start(),
  ]);
  await query(primary.url(), 'CREATE DATABASE fediflow');
  await query(subscriber.url(), 'CREATE DATABASE fediflow');
  await query(primary.url('fediflow'), SCHEMA);
  endpoints = { primaryUrl: primary.url('fediflow'), subscriberUrl: subscriber.url('fediflow') };
}, 120_000);

afterAll(async () => {
  await Promise.all([subscriber?.stop(), primary?.stop()]);
});

describe('logical replication from a private primary to a private subscriber', () => {
  it('refuses a subscriber without the schema, naming the missing tables', async () => {
    const error = await setUp(endpoints).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReplicationError);
    expect((error as ReplicationError).code).toBe('SCHEMA_MISSING');
    expect((error as Error).message).toContain('public.follows, public.statuses');
  });

  it('copies existing rows, then streams new writes; lag is measured', async () => {
    await query(
      endpoints.primaryUrl,
      `INSERT INTO statuses (body) SELECT 'before setup ' || n FROM generate_series(1, 500) n`,
    );
    await query(endpoints.subscriberUrl, SCHEMA);
    const log: string[] = [];
    await setUp(endpoints, (line) => log.push(line));
    expect(log.at(-1)).toContain('initial copy done');
    expect(await query(endpoints.subscriberUrl, 'SELECT count(*)::int AS n FROM statuses')).toEqual(
      [{ n: 500 }],
    );

    // Write-to-visible latency of single commits, measured on the subscriber.
    const latencies: number[] = [];
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      const [row] = await query<{ id: string }>(
        endpoints.primaryUrl,
        'INSERT INTO statuses (body) VALUES ($1) RETURNING id',
        [`streamed ${i}`],
      );
      await waitUntil(
        'the row on the subscriber',
        async () =>
          (await query(endpoints.subscriberUrl, 'SELECT 1 FROM statuses WHERE id = $1', [row?.id]))
            .length === 1,
      );
      latencies.push(performance.now() - started);
    }
    latencies.sort((a, b) => a - b);
    console.log(
      `[replication] write→visible on subscriber: p50 ${latencies[10]?.toFixed(1)} ms, max ${latencies.at(-1)?.toFixed(1)} ms (20 commits)`,
    );
    expect(latencies).toHaveLength(20);

    await query(endpoints.primaryUrl, 'INSERT INTO follows VALUES (1, 2), (1, 3)');
    await waitUntil('follows on the subscriber', async () => {
      const [row] = await query<{ n: number }>(
        endpoints.subscriberUrl,
        'SELECT count(*)::int AS n FROM follows',
      );
      return row?.n === 2;
    });
    await waitUntil(
      'the slot to confirm everything',
      async () => (await status(endpoints)).lagBytes === 0,
    );
    const caughtUp = await status(endpoints);
    expect(caughtUp).toMatchObject({ lagBytes: 0, streaming: true });

    // The operator tool reports the same, with an exit code scripts can trust.
    const tsx = path.resolve(import.meta.dirname, '../../node_modules/.bin/tsx');
    const { stdout } = await promisify(execFile)(tsx, [
      path.resolve(import.meta.dirname, '../replicate-database.ts'),
      'status',
      '--primary',
      endpoints.primaryUrl,
      '--subscriber',
      endpoints.subscriberUrl,
    ]);
    expect(stdout).toMatch(/^streaming: 0 bytes behind/);
  });

  it('cuts over under concurrent writes without losing an acknowledged one', async () => {
    const acknowledged: number[] = [];
    let rejected = 0;
    let stop = false;
    const writer = (async () => {
      while (!stop) {
        const client = new pg.Client({ connectionString: endpoints.primaryUrl });
        // The cutover terminates this session; the failed query reports it, not the event.
        client.on('error', () => undefined);
        try {
          await client.connect();
          while (!stop) {
            const { rows } = await client.query<{ id: string }>(
              "INSERT INTO statuses (body) VALUES ('during cutover') RETURNING id",
            );
            acknowledged.push(Number(rows[0]?.id));
          }
        } catch {
          rejected++; // read-only or terminated: the write was not acknowledged
          await new Promise((resolve) => setTimeout(resolve, 5));
        } finally {
          await client.end().catch(() => undefined);
        }
      }
    })();
    await waitUntil('writes in flight', async () => acknowledged.length >= 200);
    const backlog = await status(endpoints);
    const log: string[] = [];
    const report = await cutOver(endpoints, {}, (line) => log.push(line));
    stop = true;
    await writer;
    console.log(
      `[replication] cutover: ${report?.catchUpMs} ms to catch up (backlog ${backlog.lagBytes} bytes), ${acknowledged.length} writes acknowledged, ${rejected} rejected after the switch`,
    );

    expect(rejected).toBeGreaterThan(0); // the primary really stopped taking writes
    const onSubscriber = new Set(
      (await query<{ id: string }>(endpoints.subscriberUrl, 'SELECT id FROM statuses')).map((r) =>
        Number(r.id),
      ),
    );
    expect(acknowledged.filter((id) => !onSubscriber.has(id))).toEqual([]);
    expect(report?.rows['public.statuses']).toBe(onSubscriber.size);
    expect(report?.sequencesCopied).toBe(1);

    // The secondary is a primary now: it takes writes, and its sequence continues past every id.
    const [next] = await query<{ id: string }>(
      endpoints.subscriberUrl,
      "INSERT INTO statuses (body) VALUES ('after cutover') RETURNING id",
    );
    expect(Number(next?.id)).toBeGreaterThan(Math.max(...acknowledged));
    expect(await query(endpoints.subscriberUrl, 'SELECT subname FROM pg_subscription')).toEqual([]);
    // The old primary is fenced: a write there fails.
    await expect(
      query(endpoints.primaryUrl, "INSERT INTO statuses (body) VALUES ('split brain')"),
    ).rejects.toThrow(/read-only/);
  });
});

describe('unplanned failover: the primary is lost', () => {
  let lostPrimary: PostgresClusterProcess | undefined;
  let survivor: PostgresClusterProcess;

  beforeAll(async () => {
    [lostPrimary, survivor] = await Promise.all([
      PostgresClusterProcess.start({ settings: { wal_level: 'logical' } }),
      PostgresClusterProcess.start(),
    ]);
    for (const server of [lostPrimary, survivor]) await query(server.url(), SCHEMA);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([survivor?.stop(), lostPrimary?.stop()]);
  });

  it('promotes the subscriber without the primary; new ids do not collide', async () => {
    const primaryServer = lostPrimary;
    if (!primaryServer) throw new Error('the primary did not start');
    const pair: Endpoints = { primaryUrl: primaryServer.url(), subscriberUrl: survivor.url() };
    await setUp(pair);
    await query(
      pair.primaryUrl,
      `INSERT INTO statuses (body) SELECT 'replicated ' || n FROM generate_series(1, 50) n`,
    );
    await waitUntil('the rows on the subscriber', async () => {
      const [row] = await query<{ n: number }>(
        pair.subscriberUrl,
        'SELECT count(*)::int AS n FROM statuses',
      );
      return row?.n === 50;
    });
    lostPrimary = undefined;
    await primaryServer.stop();

    const result = await promote(pair.subscriberUrl);
    expect(result.sequencesAdvanced).toBe(1);
    expect(await query(pair.subscriberUrl, 'SELECT subname FROM pg_subscription')).toEqual([]);
    const [next] = await query<{ id: string }>(
      pair.subscriberUrl,
      "INSERT INTO statuses (body) VALUES ('after promotion') RETURNING id",
    );
    expect(Number(next?.id)).toBe(51);
    await expect(promote(pair.subscriberUrl)).rejects.toMatchObject({
      code: 'SUBSCRIPTION_MISSING',
    });
  });
});

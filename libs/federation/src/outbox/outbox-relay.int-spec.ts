import { loadConfig } from '@fediflow/config';
import { createDataSource, DatabaseConnector, runMigrations } from '@fediflow/database';
import {
  isolatedInfrastructure,
  RedisServerProcess,
  waitFor,
  type IsolatedInfrastructure,
} from '@fediflow/testing';
import { Follow } from '@fedify/fedify/vocab';
import type { DataSource } from 'typeorm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FaultyRemote } from '../delivery/faulty-remote.testing';
import { FederationRuntime } from '../federation-core.module';
import { OutboxRelay, type OutboxDelivery } from './outbox-relay';

const ORIGIN = 'https://fediflow.test';

/**
 * The relay against a private redis-server that is killed and restarted empty with deliveries
 * still queued in it (a replacement node, a restart without persistence), as the DR drill does.
 */
describe('outbox relay across a Redis loss (private redis-server, real PostgreSQL)', () => {
  let infra: IsolatedInfrastructure;
  let redis: RedisServerProcess;
  let db: DataSource;
  let remote: FaultyRemote;
  let api: FederationRuntime;
  let count = 0;

  const env = () => ({
    ...infra.env,
    REDIS_URL: redis.url,
    PUBLIC_ORIGIN: ORIGIN,
    LOG_LEVEL: 'silent',
  });

  beforeAll(async () => {
    infra = await isolatedInfrastructure('outbox-relay');
    redis = await RedisServerProcess.start();
    db = createDataSource({ url: infra.database.url, applicationName: 'outbox-relay' });
    await db.initialize();
    await runMigrations(db);
    await db.query(`INSERT INTO accounts (username) VALUES ('alice')`);
    remote = await FaultyRemote.start();
    api = new FederationRuntime(loadConfig('api', env()), db);
    await apiConnected();
  });
  afterEach(async () => {
    await db.query(`DELETE FROM federation_outbox`);
  });
  afterAll(async () => {
    await api?.onApplicationShutdown();
    await remote?.close();
    await db?.destroy();
    await redis?.stop();
    await infra?.release();
  });

  /** A relay whose passes run only when the test calls them (no timer of its own). */
  async function relay(windowMs: string): Promise<OutboxRelay> {
    const config = loadConfig('api', {
      ...env(),
      OUTBOX_REDELIVERY_WINDOW_MS: windowMs,
    });
    const created = new OutboxRelay(api, db, new DatabaseConnector(db), config);
    // Stopped before its first pass: a write's prompt pass would race the test's own passes
    // for the relay lock (and relay the rows behind its back).
    await created.onApplicationShutdown();
    return created;
  }

  /** A Follow from alice to a remote actor whose inbox is the loopback remote. */
  function follow(): { id: string; delivery: OutboxDelivery } {
    const id = `${ORIGIN}/users/alice#follows/${++count}`;
    const target = new URL('/users/bob', remote.origin);
    return {
      id,
      delivery: {
        username: 'alice',
        recipients: [{ id: target, inboxId: remote.inbox() }],
        sharedInbox: false,
        build: (ctx) =>
          new Follow({ id: new URL(id), actor: ctx.getActorUri('alice'), object: target }),
      },
    };
  }

  async function recordAll(on: OutboxRelay, n: number): Promise<string[]> {
    const sent = Array.from({ length: n }, follow);
    await db.transaction(async (manager) => {
      for (const { delivery } of sent) await on.record(manager, delivery);
    });
    return sent.map(({ id }) => id);
  }

  /**
   * Passes until `n` rows went to the queue: a pass relays nothing while Redis does not answer in
   * time (a loaded machine, a reconnecting client) and leaves the rows for the next one.
   */
  async function relayed(on: OutboxRelay, n: number): Promise<number> {
    let total = 0;
    return waitFor(`${n} rows relayed`, async () => {
      total += await on.relayPending();
      return total >= n ? total : undefined;
    });
  }

  /** Redis killed with the queue full, back on the same port with nothing in it. */
  async function loseRedis(): Promise<void> {
    await redis.stop();
    await redis.start();
    await apiConnected();
  }

  /** The api's Redis connections fail fast until (re)connected. */
  async function apiConnected(): Promise<void> {
    await waitFor('the api Redis connections', async () => {
      try {
        await Promise.all([api.kv.get(['probe']), api.queue.stats()]);
        return true;
      } catch {
        return undefined;
      }
    });
  }

  /** Runs the workers' side until `ids` all reached the remote (or fails after the timeout). */
  async function deliverAll(ids: string[]): Promise<Set<string>> {
    const worker = new FederationRuntime(loadConfig('workers', env()), db);
    const stop = new AbortController();
    const running = worker.federation.startQueue(undefined, { signal: stop.signal });
    try {
      return await waitFor('the deliveries', async () => {
        const got = new Set(remote.received.map((r) => (JSON.parse(r.body) as { id: string }).id));
        return ids.every((id) => got.has(id)) ? got : undefined;
      });
    } finally {
      stop.abort();
      await running;
      await worker.onApplicationShutdown();
    }
  }

  const queued = async () => {
    const stats = await api.queue.stats();
    return stats.ready + stats.delayed + stats.inFlight;
  };

  const pending = async () =>
    (
      (await db.query(
        `SELECT count(*) FILTER (WHERE relayed_at IS NULL)::int AS pending,
              count(*) FILTER (WHERE relayed_at IS NOT NULL)::int AS relayed
         FROM federation_outbox`,
      )) as { pending: number; relayed: number }[]
    )[0];

  it('keeps relayed rows for the window and relays them again once Redis comes back empty', async () => {
    const outbox = await relay('600000');
    const ids = await recordAll(outbox, 5);
    expect(await relayed(outbox, 5)).toBe(5);
    expect(await pending()).toEqual({ pending: 0, relayed: 5 });
    // The same Redis on the next pass: nothing is relayed twice.
    expect(await outbox.relayPending()).toBe(0);

    expect(await queued()).toBe(5);

    await loseRedis();
    expect(await queued()).toBe(0);
    expect(await relayed(outbox, 5)).toBe(5);
    expect(await queued()).toBe(5);
    expect(await pending()).toEqual({ pending: 0, relayed: 5 });
    const got = await deliverAll(ids);
    expect(ids.filter((id) => !got.has(id))).toEqual([]);
    // The new epoch holds: later passes relay nothing more.
    expect(await outbox.relayPending()).toBe(0);
  });

  it('deletes rows once their window is over', async () => {
    const outbox = await relay('600000');
    await recordAll(outbox, 2);
    expect(await relayed(outbox, 2)).toBe(2);
    await db.query(`UPDATE federation_outbox SET relayed_at = now() - interval '11 minutes'`);
    await loseRedis();
    // Past the window, a lost Redis no longer brings them back: the next passes delete them.
    await waitFor('the rows past the window to go', async () => {
      expect(await outbox.relayPending()).toBe(0);
      const rows = await pending();
      return rows?.relayed === 0 ? rows : undefined;
    });
    expect(await pending()).toEqual({ pending: 0, relayed: 0 });
    expect(await queued()).toBe(0);
  });

  it('without a window (0) rows are deleted as they are relayed, and a Redis loss loses them', async () => {
    const outbox = await relay('0');
    await recordAll(outbox, 3);
    expect(await relayed(outbox, 3)).toBe(3);
    expect(await pending()).toEqual({ pending: 0, relayed: 0 });
    await loseRedis();
    // Nothing queued and nothing left to relay again: the three deliveries are lost.
    expect(await outbox.relayPending()).toBe(0);
    expect(await queued()).toBe(0);
    expect(await pending()).toEqual({ pending: 0, relayed: 0 });
  });
});

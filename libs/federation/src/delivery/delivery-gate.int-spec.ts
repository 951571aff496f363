import { Follow } from '@fedify/fedify/vocab';
import { waitFor, type IsolatedInfrastructure, TEST_ORIGIN } from '@fediflow/testing';
import { migratedDatabase, type MigratedDatabase } from '@fediflow/testing/fixtures';
import { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  federationKeyPrefix,
  RedisKvStore,
  RedisMessageQueue,
} from '@fediflow/federation-adapters';
import { ActorKeyStore } from '../actor-keys';
import { DomainBlocks } from '../domain-blocks';
import { createFediflowFederation, type FediflowFederation } from '../fediflow-federation';
import { installOutboundHttp } from '../outbound-http';
import { CircuitBreaker } from './circuit-breaker';
import { DeliveryFailures } from './delivery-failures';
import { DeliveryGate } from './delivery-gate';
import type { DeliveryOutcome } from './delivery-outcomes';
import { FaultyRemote } from './faulty-remote.testing';

const quiet = { warn: () => undefined, error: () => undefined };

describe('outgoing deliveries through the delivery gate (real Redis, PostgreSQL, loopback remote)', () => {
  let infra: IsolatedInfrastructure;
  let db: DataSource;
  let database: MigratedDatabase;
  let redis: Redis;
  let keyPrefix: string;
  let federation: FediflowFederation;
  let queue: RedisMessageQueue;
  let breaker: CircuitBreaker;
  let failures: DeliveryFailures;
  let domainBlocks: DomainBlocks;
  let controller: AbortController;
  let running: Promise<void>;
  let remote: FaultyRemote;
  let activityCount = 0;
  const outcomes: DeliveryOutcome[] = [];

  beforeAll(async () => {
    database = await migratedDatabase('federation-delivery');
    ({ infra, db } = database);
    await db.query(`INSERT INTO accounts (username) VALUES ('alice')`);
    // A hanging remote gives up the request after this (production: 10 s).
    installOutboundHttp({ allowPrivateAddress: true, headersTimeoutMs: 400 });
    redis = new Redis(infra.redisUrl);
    keyPrefix = federationKeyPrefix(infra.redis.prefix);
    queue = new RedisMessageQueue({
      redis,
      keyPrefix,
      name: 'federation',
      pollIntervalMs: 20,
      concurrency: 4,
      logger: quiet,
    });
    breaker = new CircuitBreaker(redis, {
      keyPrefix,
      failureThreshold: 3,
      cooldownMs: 300,
      maxCooldownMs: 5_000,
      probeWaitMs: 50,
    });
    failures = new DeliveryFailures(db);
    domainBlocks = new DomainBlocks(db, 0);
    const gate = new DeliveryGate({
      breaker,
      failures,
      domainBlocks,
      retry: { maxAttempts: 30, initialDelayMs: 40, maxDelayMs: 200 },
      logger: quiet,
    });
    gate.observe({ delivery: (outcome) => outcomes.push(outcome), inbound: () => undefined });
    federation = createFediflowFederation({
      origin: TEST_ORIGIN,
      db,
      keys: new ActorKeyStore(db),
      kv: new RedisKvStore({ redis, keyPrefix }),
      queue,
      allowPrivateAddress: true,
      logger: quiet,
      delivery: gate,
    });
    controller = new AbortController();
    running = federation.startQueue(undefined, { signal: controller.signal });
  });
  afterEach(async () => {
    await remote?.close();
    outcomes.length = 0;
  });
  afterAll(async () => {
    controller?.abort();
    await running;
    redis?.disconnect();
    await database?.release();
  });

  /** Alice sends a Follow to `inbox`, as the API does; returns the activity id. */
  async function send(inbox: URL): Promise<string> {
    const ctx = federation.createContext(new URL(TEST_ORIGIN), undefined);
    const id = new URL(`${TEST_ORIGIN}/follows/${++activityCount}`);
    await ctx.sendActivity(
      { identifier: 'alice' },
      { id: new URL('/users/bob', inbox), inboxId: inbox },
      new Follow({ id, actor: ctx.getActorUri('alice'), object: new URL('/users/bob', inbox) }),
    );
    return id.href;
  }

  async function drained(): Promise<void> {
    await waitFor('the queue to drain', async () => {
      const stats = await queue.stats();
      return stats.ready + stats.delayed + stats.inFlight === 0 ? true : undefined;
    });
  }

  // 408 and 429 say "later": retried as a 5xx is, unlike the other 4xx.
  it.each([500, 408, 429])(
    'delivers to a remote that answers %i and then recovers, and clears its failure record',
    async (status) => {
      remote = await FaultyRemote.start();
      remote.answer = (attempt) => (attempt < 2 ? status : 202);
      const id = await send(remote.inbox());

      await waitFor('the delivery', async () =>
        outcomes.includes('delivered') ? true : undefined,
      );
      expect(outcomes).toEqual(['failed_retry', 'failed_retry', 'delivered']);
      expect(remote.attempts).toBe(3);
      expect(JSON.parse(remote.received.at(-1)!.body)).toMatchObject({ id, type: 'Follow' });
      expect(await failures.list({ host: remote.inbox().host })).toEqual([]);
      await drained();
    },
  );

  it('gives up at once on 410 Gone and records it as permanent', async () => {
    remote = await FaultyRemote.start();
    remote.answer = () => 410;
    const id = await send(remote.inbox('/users/gone/inbox'));

    await waitFor('the outcome', async () => (outcomes.length > 0 ? true : undefined));
    expect(outcomes).toEqual(['failed_permanent']);
    await drained();
    // Nothing was queued again: one attempt (and Fedify's second knock) in all.
    expect(remote.attempts).toBe(1);
    expect(await failures.list({ host: remote.inbox().host })).toMatchObject([
      {
        inboxUrl: remote.inbox('/users/gone/inbox').href,
        activityId: id,
        activityType: 'https://www.w3.org/ns/activitystreams#Follow',
        attempts: 1,
        lastStatus: 410,
        permanent: true,
      },
    ]);
  });

  it.each([400, 401, 403])(
    'gives up at once on %i (a refusal a retry cannot change) and records it as permanent',
    async (status) => {
      remote = await FaultyRemote.start();
      remote.answer = () => status;
      const id = await send(remote.inbox());

      await waitFor('the outcome', async () => (outcomes.length > 0 ? true : undefined));
      expect(outcomes).toEqual(['failed_permanent']);
      await drained();
      expect(remote.attempts).toBe(1);
      expect(await failures.list({ host: remote.inbox().host })).toMatchObject([
        { activityId: id, attempts: 1, lastStatus: status, permanent: true },
      ]);
    },
  );

  it('times out on a hanging remote, records it, and delivers once the remote answers', async () => {
    remote = await FaultyRemote.start();
    let hanging = true;
    remote.answer = () => (hanging ? 'hang' : 202);
    const id = await send(remote.inbox());

    const [recorded] = await waitFor('the failure record', async () => {
      const rows = await failures.list({ host: remote.inbox().host });
      return rows.length > 0 ? rows : undefined;
    });
    expect(recorded).toMatchObject({ activityId: id, lastStatus: null, permanent: false });
    expect(recorded!.lastError).toMatch(/timeout/i);
    expect(outcomes[0]).toBe('failed_retry');

    hanging = false;
    remote.release();
    await waitFor('the delivery', async () => (outcomes.includes('delivered') ? true : undefined));
    await drained();
    expect(await failures.list({ host: remote.inbox().host })).toEqual([]);
  });

  it('opens the circuit after repeated failures, holds deliveries without spending attempts, and closes it when a probe succeeds', async () => {
    remote = await FaultyRemote.start();
    let down = true;
    remote.answer = () => (down ? 503 : 202);
    const host = remote.inbox().host;
    await send(remote.inbox());
    await send(remote.inbox());

    // Three failures open it; a failed probe doubles the cool-down.
    const circuit = await waitFor('a failed probe', async () => {
      const open = (await breaker.listOpen()).find((entry) => entry.host === host);
      return open && open.cooldownMs >= 600 ? open : undefined;
    });
    expect(circuit).toMatchObject({ host, failures: 4 });
    expect(await breaker.openCount()).toBe(1);
    // The other delivery waited rather than hammering the host.
    expect(outcomes).toContain('deferred_circuit');
    const requestsWhileOpen = remote.received.length;
    const rows = await failures.list({ host });
    expect(rows.every((row) => !row.permanent)).toBe(true);

    down = false;
    await waitFor('both deliveries', async () =>
      outcomes.filter((outcome) => outcome === 'delivered').length === 2 ? true : undefined,
    );
    await drained();
    expect(await breaker.listOpen()).toEqual([]);
    expect(await breaker.openCount()).toBe(0);
    expect(remote.received.length).toBeGreaterThan(requestsWhileOpen);
    expect(await failures.list({ host })).toEqual([]);
  });

  it('drops deliveries to a blocked domain without sending them', async () => {
    remote = await FaultyRemote.start('localhost');
    await domainBlocks.add('localhost', 'test');
    try {
      await send(remote.inbox());
      await waitFor('the outcome', async () => (outcomes.length > 0 ? true : undefined));
      expect(outcomes).toEqual(['blocked']);
      await drained();
      expect(remote.received).toEqual([]);
    } finally {
      await domainBlocks.remove('localhost');
    }
  });
});

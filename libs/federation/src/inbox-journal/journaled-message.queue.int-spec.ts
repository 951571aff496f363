import { createDataSource, isDatabaseUnavailable, runMigrations } from '@fediflow/database';
import { RedisEpoch } from '@fediflow/redis';
import {
  isolatedInfrastructure,
  RedisServerProcess,
  proxyInFront,
  waitFor,
  type IsolatedInfrastructure,
} from '@fediflow/testing';
import { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { federationKeyPrefix, RedisMessageQueue } from '@fediflow/federation-adapters';
import { millisecondsDuration } from '../temporal';
import { isInboxMessage, JournaledMessageQueue } from './journaled-message.queue';

interface Activity {
  type: 'inbox' | 'outbox';
  n: number;
}

// A private redis-server, killed and started again empty (no persistence) mid-run: the loss the
// journal exists for. PostgreSQL is the shared test server (own database).
describe('JournaledMessageQueue', () => {
  let infra: IsolatedInfrastructure;
  let db: DataSource;
  let redisServer: RedisServerProcess;
  const connections: Redis[] = [];
  const listeners: AbortController[] = [];
  const quiet = { warn: () => undefined, error: () => undefined };

  beforeAll(async () => {
    infra = await isolatedInfrastructure('inbox-journal');
    db = createDataSource({ url: infra.database.url, applicationName: 'inbox-journal-test' });
    await db.initialize();
    await runMigrations(db);
    redisServer = await RedisServerProcess.start();
  });
  afterEach(async () => {
    for (const controller of listeners.splice(0)) controller.abort();
    for (const connection of connections.splice(0)) connection.disconnect();
    await db.query('DELETE FROM inbox_journal');
  });
  afterAll(async () => {
    await redisServer?.stop();
    await db?.destroy();
    await infra?.release();
  });

  function queues(name: string) {
    const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
    redis.on('error', () => undefined);
    connections.push(redis);
    const keyPrefix = federationKeyPrefix(infra.redis.prefix);
    const inner = new RedisMessageQueue({
      redis,
      keyPrefix,
      name,
      pollIntervalMs: 50,
      leaseMs: 2_000,
      concurrency: 4,
      logger: quiet,
    });
    const journaled = new JournaledMessageQueue({
      inner,
      db,
      epoch: new RedisEpoch(redis, `${keyPrefix}epoch`),
      journals: isInboxMessage,
      recoverIntervalMs: 100,
      logger: quiet,
    });
    return { inner, journaled, redis };
  }
  const journalSize = async () =>
    Number(((await db.query('SELECT count(*) AS n FROM inbox_journal')) as { n: string }[])[0]?.n);

  it('handles every acknowledged activity after Redis restarts empty, and empties the journal', async () => {
    const { inner, journaled } = queues('loss');
    const handled = new Set<number>();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const controller = new AbortController();
    listeners.push(controller);
    // Handlers of 0-2 and of 40 on wait: messages are in flight and ready when Redis dies.
    void journaled.listen(
      async (message) => {
        const { n } = message as Activity;
        if (n < 3 || n >= 40) await held;
        handled.add(n);
      },
      { signal: controller.signal },
    );
    const acknowledged: number[] = [];
    for (let n = 0; n < 40; n++) {
      await journaled.enqueue({ type: 'inbox', n } satisfies Activity);
      acknowledged.push(n);
    }
    await waitFor('the messages not held to be handled', async () =>
      handled.size === 37 ? true : undefined,
    );
    for (let n = 40; n < 60; n++) {
      await journaled.enqueue({ type: 'inbox', n } satisfies Activity);
      acknowledged.push(n);
    }
    // Every slot is held now: all but one of these still wait in Redis.
    expect((await inner.stats()).ready).toBe(19);
    await redisServer.stop();
    await redisServer.start();
    release();

    await waitFor('every acknowledged activity to be handled', async () =>
      acknowledged.every((n) => handled.has(n)) ? true : undefined,
    );
    expect([...handled].sort((a, b) => a - b)).toEqual(acknowledged);
    await waitFor('the journal to empty', async () =>
      (await journalSize()) === 0 ? true : undefined,
    );
  });

  it('journals and queues every one of many concurrent activities (written together)', async () => {
    const { inner, journaled } = queues('concurrent');
    await Promise.all(
      Array.from({ length: 300 }, (_, n) =>
        journaled.enqueue({ type: 'inbox', n } satisfies Activity),
      ),
    );
    expect(await journalSize()).toBe(300);
    expect((await inner.stats()).ready).toBe(300);
    const [written] = (await db.query(
      'SELECT count(DISTINCT xmin::text) AS commits FROM inbox_journal',
    )) as { commits: string }[];
    // Fewer transactions than activities: those that arrived during a write shared the next one.
    expect(Number(written?.commits)).toBeLessThan(300);
  });

  it('re-enqueues nothing while the Redis dataset survives', async () => {
    const { journaled } = queues('intact');
    await journaled.enqueue({ type: 'inbox', n: 1 } satisfies Activity);
    expect(await journaled.recover()).toBe(0);
    expect(await journalSize()).toBe(1);
  });

  it('keeps a delayed message delayed when it re-enqueues it', async () => {
    const { inner, journaled } = queues('delayed');
    await journaled.enqueue({ type: 'inbox', n: 1 } satisfies Activity, {
      delay: millisecondsDuration(3_600_000),
    });
    await redisServer.stop();
    await redisServer.start();
    expect(await journaled.recover()).toBe(1);
    expect(await inner.stats()).toMatchObject({ ready: 0, delayed: 1 });
  });

  it('queues deliveries without journaling them', async () => {
    const { inner, journaled } = queues('outbox');
    await journaled.enqueue({ type: 'outbox', n: 1 } satisfies Activity);
    expect(await journalSize()).toBe(0);
    expect((await inner.stats()).ready).toBe(1);
  });

  it('removes the entry of an activity Redis did not take (the sender is told to retry)', async () => {
    const { inner, journaled, redis } = queues('redis-refused');
    const failing = new JournaledMessageQueue({
      inner: {
        enqueue: () => Promise.reject(new Error('redis is down')),
        listen: (handler, options) => inner.listen(handler, options),
      },
      db,
      epoch: new RedisEpoch(redis, `${federationKeyPrefix(infra.redis.prefix)}epoch`),
      logger: quiet,
    });
    await expect(failing.enqueue({ type: 'inbox', n: 1 })).rejects.toThrow('redis is down');
    expect(await journalSize()).toBe(0);
    await journaled.enqueue({ type: 'inbox', n: 2 } satisfies Activity);
    expect(await journalSize()).toBe(1);
  });

  it('refuses an activity while PostgreSQL is down, before queueing it', async () => {
    const { inner, redis } = queues('pg-down');
    const { proxy, url } = await proxyInFront(infra.database.url);
    const viaProxy = createDataSource({
      url,
      applicationName: 'inbox-journal-down',
    });
    await viaProxy.initialize();
    try {
      const journaled = new JournaledMessageQueue({
        inner,
        db: viaProxy,
        epoch: new RedisEpoch(redis, `${federationKeyPrefix(infra.redis.prefix)}epoch`),
        logger: quiet,
      });
      proxy.cut();
      const refused: unknown = await journaled.enqueue({ type: 'inbox', n: 1 }).catch((e) => e);
      expect(isDatabaseUnavailable(refused)).toBe(true);
      expect((await inner.stats()).ready).toBe(0);
    } finally {
      await viaProxy.destroy().catch(() => undefined);
      await proxy.close();
    }
  });
});

import { Follow } from '@fedify/fedify/vocab';
import {
  federationKeyPrefix,
  RedisKvStore,
  RedisMessageQueue,
} from '@fediflow/federation-adapters';
import { ActorKeyStore, createFediflowFederation } from '@fediflow/federation';
import { FEDERATION_QUEUE_NAME } from '@fediflow/queue/federation';
import { FaultyRemote } from '@fediflow/federation/testing';
import {
  ManagedProcess,
  waitFor,
  type IsolatedInfrastructure,
  TEST_ORIGIN,
} from '@fediflow/testing';
import { migratedDatabase, type MigratedDatabase } from '@fediflow/testing/fixtures';
import { Redis } from 'ioredis';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '../../../..');

describe('a worker killed mid-delivery', () => {
  let infra: IsolatedInfrastructure;
  let db: DataSource;
  let database: MigratedDatabase;
  let redis: Redis;
  let remote: FaultyRemote;
  let child: ManagedProcess | undefined;
  const controller = new AbortController();
  let running: Promise<void> | undefined;
  let tsconfigDir: string;

  beforeAll(async () => {
    database = await migratedDatabase('workers-delivery-sigkill');
    ({ infra, db } = database);
    await db.query(`INSERT INTO accounts (username) VALUES ('alice')`);
    redis = new Redis(infra.redisUrl);
    remote = await FaultyRemote.start();
    // tsx applies a tsconfig only to the files it includes: one covering apps/ and libs/, for
    // the decorators of the Nest modules the libraries' barrels hold.
    tsconfigDir = await mkdtemp(join(tmpdir(), 'delivery-consumer-'));
    await writeFile(
      join(tsconfigDir, 'tsconfig.json'),
      JSON.stringify({
        extends: join(ROOT, 'tsconfig.base.json'),
        include: [join(ROOT, 'apps/**/*.ts'), join(ROOT, 'libs/**/*.ts')],
      }),
    );
  });
  afterAll(async () => {
    await child?.stop('SIGKILL');
    controller.abort();
    await running;
    await remote?.close();
    redis?.disconnect();
    await database?.release();
    if (tsconfigDir) await rm(tsconfigDir, { recursive: true, force: true });
  });

  it('loses nothing: another consumer delivers the message once the lease lapses', async () => {
    const keyPrefix = federationKeyPrefix(infra.redis.prefix);
    const queue = new RedisMessageQueue({
      redis,
      keyPrefix,
      name: FEDERATION_QUEUE_NAME,
      pollIntervalMs: 20,
    });
    const federation = createFediflowFederation({
      origin: TEST_ORIGIN,
      db,
      keys: new ActorKeyStore(db),
      kv: new RedisKvStore({ redis, keyPrefix }),
      queue,
      allowPrivateAddress: true,
    });

    // The remote holds the first delivery open: the consumer is killed while it waits.
    remote.answer = (attempt) => (attempt === 0 ? 'hang' : 202);
    // Node itself with tsx as its loader, not the tsx CLI: the CLI runs the script in a child
    // process of its own, which a SIGKILL of the CLI leaves running (a consumer that was never
    // killed, delivering on, and outliving the suite).
    child = new ManagedProcess(
      'delivery consumer',
      process.execPath,
      ['--import', 'tsx', 'apps/workers/src/federation/delivery-consumer.testing.ts'],
      {
        ...process.env,
        TSX_TSCONFIG_PATH: join(tsconfigDir, 'tsconfig.json'),
        DATABASE_URL: infra.database.url,
        REDIS_URL: infra.redisUrl,
        FEDERATION_KEY_PREFIX: keyPrefix,
        PUBLIC_ORIGIN: TEST_ORIGIN,
        LEASE_MS: '1000',
      },
      ROOT,
    );
    await waitFor('the consumer to start', async () => {
      if (!child!.running) throw new Error('the consumer exited');
      return child!.output.includes('consumer ready') ? true : undefined;
    }).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${child!.describe()}`);
    });

    // As the API does: enqueue only.
    const ctx = federation.createContext(new URL(TEST_ORIGIN), undefined);
    const id = new URL(`${TEST_ORIGIN}/follows/1`);
    await ctx.sendActivity(
      { identifier: 'alice' },
      { id: new URL('/users/bob', remote.origin), inboxId: remote.inbox() },
      new Follow({
        id,
        actor: ctx.getActorUri('alice'),
        object: new URL('/users/bob', remote.origin),
      }),
    );
    await waitFor('the delivery to reach the remote', async () =>
      remote.received.length > 0 ? true : undefined,
    );
    expect((await queue.stats()).inFlight).toBe(1);

    const exit = await child.stop('SIGKILL');
    expect(exit.signal).toBe('SIGKILL');

    running = federation.startQueue(undefined, { signal: controller.signal });
    await waitFor('the delivery by the second consumer', async () =>
      remote.received.length > 1 ? true : undefined,
    );
    await waitFor('the queue to drain', async () => {
      const stats = await queue.stats();
      return stats.ready + stats.delayed + stats.inFlight + stats.dead === 0 ? true : undefined;
    });
    expect(remote.received.map((request) => JSON.parse(request.body).id)).toEqual([
      id.href,
      id.href,
    ]);
  });
});

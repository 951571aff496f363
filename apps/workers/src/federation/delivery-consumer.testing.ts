/**
 * A federation queue consumer as a separate process, for the test that kills one mid-delivery
 * (`delivery-sigkill.int-spec.ts`). Run with tsx from the repository root. Environment:
 * DATABASE_URL, REDIS_URL, FEDERATION_KEY_PREFIX, PUBLIC_ORIGIN, LEASE_MS.
 */
import { createDataSource } from '@fediflow/database';
import { ActorKeyStore, createFediflowFederation, installOutboundHttp } from '@fediflow/federation';
import { RedisKvStore, RedisMessageQueue } from '@fediflow/federation-adapters';
import { FEDERATION_QUEUE_NAME } from '@fediflow/queue/federation';
import { Redis } from 'ioredis';

async function main(): Promise<void> {
  const env = (name: string): string => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is required`);
    return value;
  };
  installOutboundHttp({ allowPrivateAddress: true });
  const db = createDataSource({ url: env('DATABASE_URL'), applicationName: 'delivery-consumer' });
  await db.initialize();
  const redis = new Redis(env('REDIS_URL'));
  const keyPrefix = env('FEDERATION_KEY_PREFIX');
  const federation = createFediflowFederation({
    origin: env('PUBLIC_ORIGIN'),
    db,
    keys: new ActorKeyStore(db),
    kv: new RedisKvStore({ redis, keyPrefix }),
    queue: new RedisMessageQueue({
      redis,
      keyPrefix,
      name: FEDERATION_QUEUE_NAME,
      leaseMs: Number(env('LEASE_MS')),
      pollIntervalMs: 20,
    }),
    allowPrivateAddress: true,
  });
  const running = federation.startQueue(undefined);
  process.stdout.write('consumer ready\n');
  await running;
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});

import { federationKeyPrefix } from '@fediflow/federation-adapters';
import { FEDERATION_QUEUE_NAME } from '@fediflow/queue/federation';
import { waitFor } from '@fediflow/testing';
import { migratedDatabase, type MigratedDatabase } from '@fediflow/testing/fixtures';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startFederationService,
  type FederationInstance,
} from '../testing/federation-harness.testing';

async function readiness(base: string) {
  const response = await fetch(`${base}/ready`);
  return { status: response.status, body: (await response.json()) as { details: object } };
}

describe('federation readiness', () => {
  let env: MigratedDatabase;
  let service: FederationInstance;
  let redis: Redis;

  beforeAll(async () => {
    env = await migratedDatabase('federation-ready');
    service = await startFederationService(env.infra);
    redis = new Redis(env.infra.redisUrl);
  });
  afterAll(async () => {
    redis?.disconnect();
    await service?.close();
    await env?.release();
  });

  it('reports the queue and the signing keys as checks of their own', async () => {
    const { status, body } = await readiness(service.base);
    expect(status).toBe(200);
    expect(body.details).toMatchObject({
      database: { status: 'up' },
      redis: { status: 'up' },
      federation: { status: 'up', enabled: true },
      federation_queue: { status: 'up', ready: 0, delayed: 0 },
      signing_keys: { status: 'up', instanceActorKeys: 2 },
    });
  });

  it('is 503 with the reason while the queue cannot be read, and ready again after', async () => {
    // The queue's ready set replaced by a string: every queue command now fails (WRONGTYPE).
    const readyKey = `${federationKeyPrefix(env.infra.redis.prefix)}mq:{${FEDERATION_QUEUE_NAME}}:ready`;
    await redis.set(readyKey, 'not a sorted set');
    try {
      const { status, body } = await readiness(service.base);
      expect(status).toBe(503);
      expect(body.details).toMatchObject({
        redis: { status: 'up' },
        signing_keys: { status: 'up' },
        federation_queue: {
          status: 'down',
          message: expect.stringMatching(/^federation queue unavailable: .*WRONGTYPE/),
        },
      });
    } finally {
      await redis.del(readyKey);
    }
    expect((await readiness(service.base)).status).toBe(200);
  });
});

describe('federation readiness without usable signing keys', () => {
  let env: MigratedDatabase;
  let service: FederationInstance;

  beforeAll(async () => {
    env = await migratedDatabase('federation-ready-keys');
    // A stored instance key pair that cannot be imported (e.g. a botched restore).
    const broken = JSON.stringify({ kty: 'RSA' });
    await env.db.query(
      `INSERT INTO instance_actor_keys
         (rsa_public_jwk, rsa_private_jwk, ed25519_public_jwk, ed25519_private_jwk)
       VALUES ($1, $1, $1, $1)`,
      [broken],
    );
    service = await startFederationService(env.infra, {}, { waitUntilReady: false });
  });
  afterAll(async () => {
    await service?.close();
    await env?.release();
  });

  it('is 503 naming the signing keys while the queue is fine', async () => {
    // PostgreSQL connects in the background after start-up; wait for it, then judge the keys.
    const { status, body } = await waitFor('the database connected', async () => {
      const result = await readiness(service.base);
      return JSON.stringify(result.body).includes('"database":{"status":"up"') ? result : undefined;
    });
    expect(status).toBe(503);
    expect(body.details).toMatchObject({
      database: { status: 'up' },
      federation_queue: { status: 'up' },
      signing_keys: {
        status: 'down',
        message: expect.stringMatching(/^instance actor keys unavailable: /),
      },
    });
  });
});

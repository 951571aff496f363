import { createDataSource } from '@fediflow/database';
import { isolatedInfrastructure, waitFor, type IsolatedInfrastructure } from '@fediflow/testing';
import { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { federationKeyPrefix, RedisMessageQueue } from '@fediflow/federation-adapters';
import { DomainBlocks } from '../domain-blocks';
import { CircuitBreaker } from './circuit-breaker';
import { DeliveryFailures } from './delivery-failures';
import { DeliveryGate } from './delivery-gate';

const quiet = { warn: () => undefined, error: () => undefined };

describe('inbound activities through the queue Fedify is given', () => {
  let infra: IsolatedInfrastructure;
  let redis: Redis;

  beforeAll(async () => {
    infra = await isolatedInfrastructure('federation-inbound-order');
    redis = new Redis(infra.redisUrl);
  });
  afterAll(async () => {
    redis.disconnect();
    await infra.release();
  });

  it('runs one actor’s activities one at a time, in order, and other actors’ alongside', async () => {
    const keyPrefix = federationKeyPrefix(infra.redis.prefix);
    // The gate only consults these for outgoing deliveries; none are queued here.
    const db = createDataSource({ url: infra.database.url, applicationName: 'inbound-order' });
    const gate = new DeliveryGate({
      breaker: new CircuitBreaker(redis, { keyPrefix }),
      failures: new DeliveryFailures(db),
      domainBlocks: new DomainBlocks(db),
      logger: quiet,
    });
    const raw = new RedisMessageQueue({
      redis,
      keyPrefix,
      name: 'inbound-order',
      concurrency: 8,
      pollIntervalMs: 20,
      logger: quiet,
    });
    const { queue } = gate.federationOptions(raw);
    const inbox = (actor: string, n: number) => ({
      type: 'inbox',
      activity: { id: `${actor}/activities/${n}`, type: 'Create', actor },
    });
    const bob = 'https://remote.example/users/bob';
    const carol = 'https://other.example/users/carol';
    for (let n = 0; n < 4; n++) await queue.enqueue(inbox(bob, n));
    await queue.enqueue(inbox(carol, 0));

    const order: string[] = [];
    const running = new Set<string>();
    let overlappedBob = false;
    let carolAlongsideBob = false;
    const controller = new AbortController();
    const listening = queue.listen(
      async (message) => {
        const { activity } = message as ReturnType<typeof inbox>;
        if (activity.actor === bob && [...running].some((id) => id.startsWith(bob))) {
          overlappedBob = true;
        }
        if (activity.actor === carol && [...running].some((id) => id.startsWith(bob))) {
          carolAlongsideBob = true;
        }
        running.add(activity.id);
        await sleep(50);
        running.delete(activity.id);
        order.push(activity.id);
      },
      { signal: controller.signal },
    );
    try {
      await waitFor('all five activities', async () => (order.length === 5 ? true : undefined));
    } finally {
      controller.abort();
      await listening;
    }
    expect(overlappedBob).toBe(false);
    expect(order.filter((id) => id.startsWith(bob))).toEqual(
      [0, 1, 2, 3].map((n) => `${bob}/activities/${n}`),
    );
    expect(carolAlongsideBob).toBe(true);
  });
});

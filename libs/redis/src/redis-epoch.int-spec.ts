import { isolatedInfrastructure, type IsolatedInfrastructure } from '@fediflow/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisEpoch } from './redis-epoch';

describe('RedisEpoch against Redis', () => {
  let infra: IsolatedInfrastructure;
  let redis: Redis;
  beforeAll(async () => {
    infra = await isolatedInfrastructure('redis-epoch');
    redis = new Redis(infra.redisUrl);
  });
  afterAll(async () => {
    redis?.disconnect();
    await infra?.release();
  });

  it('keeps one epoch while the dataset lives and starts another once the marker is gone', async () => {
    const key = `${infra.redis.prefix}:epoch`;
    const epoch = new RedisEpoch(redis, key);
    const other = new RedisEpoch(redis, key);
    // Callers that find the key missing at the same time agree on one value.
    const first = await Promise.all([epoch.current(), other.current(), epoch.current()]);
    expect(new Set(first).size).toBe(1);
    expect(await other.current()).toBe(first[0]);
    expect(await redis.get(key)).toBe(first[0]);

    await redis.del(key); // as a Redis that came back empty
    const next = await epoch.current();
    expect(next).not.toBe(first[0]);
    expect(await other.current()).toBe(next);
  });
});

import { freePort, isolatedInfrastructure, type IsolatedInfrastructure } from '@fediflow/testing';
import { Redis } from 'ioredis';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisConnection, redisKeyPrefix } from './redis-connection';

describe('createRedisConnection against Redis', () => {
  let infra: IsolatedInfrastructure;
  beforeAll(async () => {
    infra = await isolatedInfrastructure('redis');
  });
  afterAll(async () => {
    await infra.release();
  });

  it('prefixes every key of a command connection', async () => {
    const prefixed = createRedisConnection({
      url: infra.redisUrl,
      name: 'test:command',
      role: 'command',
      keyPrefix: redisKeyPrefix(infra.redis.prefix, 'cache'),
    });
    const raw = new Redis(infra.redisUrl);
    try {
      // Request-path connections refuse commands until connected (readiness gates traffic).
      await once(prefixed, 'ready');
      await prefixed.set('greeting', 'hello');
      expect(await raw.get(`${infra.redis.prefix}:cache:greeting`)).toBe('hello');
      expect(await raw.get('greeting')).toBeNull();
      expect(await prefixed.client('GETNAME')).toBe('test:command');
    } finally {
      prefixed.disconnect();
      raw.disconnect();
    }
  });

  it('fails commands at once while Redis is unreachable instead of queueing them', async () => {
    const port = await freePort();
    const connection = createRedisConnection({
      url: `redis://127.0.0.1:${port}`,
      name: 'down',
      role: 'command',
    });
    try {
      const started = Date.now();
      await expect(connection.get('anything')).rejects.toThrow(/enableOfflineQueue|Connection/);
      expect(Date.now() - started).toBeLessThan(1_000);
    } finally {
      connection.disconnect();
    }
  });
});

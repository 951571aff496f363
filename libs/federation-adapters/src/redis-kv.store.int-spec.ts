import type { KvStoreListEntry } from '@fedify/fedify';
import { isolatedInfrastructure, waitFor, type IsolatedInfrastructure } from '@fediflow/testing';
import { duration } from './duration.testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { federationKeyPrefix } from './federation-keys';
import { RedisKvStore } from './redis-kv.store';

async function collect(entries: AsyncIterable<KvStoreListEntry>): Promise<KvStoreListEntry[]> {
  const all: KvStoreListEntry[] = [];
  for await (const entry of entries) all.push(entry);
  return all.sort((a, b) => a.key.join('\n').localeCompare(b.key.join('\n')));
}

describe('RedisKvStore against Redis', () => {
  let infra: IsolatedInfrastructure;
  let redis: Redis;
  let kv: RedisKvStore;

  beforeAll(async () => {
    infra = await isolatedInfrastructure('federation-kv');
    redis = new Redis(infra.redisUrl);
    kv = new RedisKvStore({ redis, keyPrefix: federationKeyPrefix(infra.redis.prefix) });
  });
  afterAll(async () => {
    redis.disconnect();
    await infra.release();
  });

  it('sets, gets and deletes JSON values below the service prefix', async () => {
    const value = { id: 'https://example.com/users/a', n: 1, nested: [true, null] };
    await kv.set(['_fedify', 'doc', 'https://example.com/users/a'], value);
    expect(await kv.get(['_fedify', 'doc', 'https://example.com/users/a'])).toEqual(value);
    expect(await kv.get(['_fedify', 'doc'])).toBeUndefined();
    expect(
      await redis.get(`${infra.redis.prefix}:fedify:kv:_fedify:doc:https%3A//example.com/users/a`),
    ).toBe(JSON.stringify(value));

    await kv.delete(['_fedify', 'doc', 'https://example.com/users/a']);
    expect(await kv.get(['_fedify', 'doc', 'https://example.com/users/a'])).toBeUndefined();
  });

  it('keeps keys apart that differ only in where a colon sits', async () => {
    await kv.set(['a:b', 'c'], 1);
    await kv.set(['a', 'b:c'], 2);
    expect(await kv.get(['a:b', 'c'])).toBe(1);
    expect(await kv.get(['a', 'b:c'])).toBe(2);
  });

  it('expires values after their TTL', async () => {
    await kv.set(['ttl', 'short'], 'soon gone', { ttl: duration({ milliseconds: 300 }) });
    await kv.set(['ttl', 'long'], 'stays', { ttl: duration({ hours: 1 }) });
    const pttl = await redis.pttl(`${infra.redis.prefix}:fedify:kv:ttl:long`);
    expect(pttl).toBeGreaterThan(3_500_000);
    expect(pttl).toBeLessThanOrEqual(3_600_000);
    await waitFor('the short-lived value to expire', async () =>
      (await kv.get(['ttl', 'short'])) === undefined ? true : undefined,
    );
    expect(await kv.get(['ttl', 'long'])).toBe('stays');
  });

  it('compares and swaps structurally and atomically', async () => {
    const key = ['cas', 'circuit'] as const;
    expect(await kv.cas(key, undefined, { state: 'closed', failures: 0 })).toBe(true);
    // Expected "absent", but present.
    expect(await kv.cas(key, undefined, { state: 'open' })).toBe(false);
    // Same value, properties in another order: equal.
    expect(
      await kv.cas(key, { failures: 0, state: 'closed' }, { state: 'open', failures: 3 }),
    ).toBe(true);
    expect(await kv.cas(key, { state: 'closed', failures: 0 }, { state: 'half-open' })).toBe(false);
    expect(await kv.get(key)).toEqual({ state: 'open', failures: 3 });

    await kv.set(['cas', 'counter'], 0);
    const increment = async () => {
      for (;;) {
        const current = (await kv.get<number>(['cas', 'counter'])) ?? 0;
        if (await kv.cas(['cas', 'counter'], current, current + 1)) return;
      }
    };
    // Concurrent read-modify-write through CAS loses no increment.
    await Promise.all(Array.from({ length: 20 }, increment));
    expect(await kv.get(['cas', 'counter'])).toBe(20);

    expect(await kv.cas(['cas', 'ttl'], undefined, 'x', { ttl: duration({ seconds: 30 }) })).toBe(
      true,
    );
    expect(await redis.pttl(`${infra.redis.prefix}:fedify:kv:cas:ttl`)).toBeGreaterThan(20_000);
  });

  it('lists entries below a key prefix, whole segments only', async () => {
    await kv.set(['list', 'a'], 'exact');
    await kv.set(['list', 'a', 'x'], 1);
    await kv.set(['list', 'a', 'y:z'], 2);
    await kv.set(['list', 'ab'], 'sibling, not below a');
    await kv.set(['list', 'a*'], 'glob lookalike');
    await kv.set(['other'], 'elsewhere');

    expect(await collect(kv.list(['list', 'a']))).toEqual([
      { key: ['list', 'a'], value: 'exact' },
      { key: ['list', 'a', 'x'], value: 1 },
      { key: ['list', 'a', 'y:z'], value: 2 },
    ]);
    expect((await collect(kv.list(['list']))).map((entry) => entry.key)).toEqual([
      ['list', 'a'],
      ['list', 'a', 'x'],
      ['list', 'a', 'y:z'],
      ['list', 'a*'],
      ['list', 'ab'],
    ]);
    const everything = await collect(kv.list());
    expect(everything).toContainEqual({ key: ['other'], value: 'elsewhere' });
    expect(everything.length).toBeGreaterThanOrEqual(6);
  });

  it('lists more entries than one SCAN batch returns', async () => {
    const keys = Array.from({ length: 1_200 }, (_, i) => ['many', String(i)] as const);
    const pipeline = redis.pipeline();
    for (const [, i] of keys) pipeline.set(`${infra.redis.prefix}:fedify:kv:many:${i}`, i);
    await pipeline.exec();
    const listed = await collect(kv.list(['many']));
    expect(listed).toHaveLength(1_200);
    expect(new Set(listed.map((entry) => entry.key[1])).size).toBe(1_200);
  });

  it('refuses a connection with an ioredis key prefix', () => {
    const prefixed = new Redis(infra.redisUrl, { keyPrefix: 'x:', lazyConnect: true });
    expect(() => new RedisKvStore({ redis: prefixed })).toThrow(/keyPrefix/);
    prefixed.disconnect();
  });
});

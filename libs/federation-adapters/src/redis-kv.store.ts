import type { KvKey, KvStore, KvStoreListEntry, KvStoreSetOptions } from '@fedify/fedify';
import type { Redis } from 'ioredis';
import { isDeepStrictEqual } from 'node:util';
import {
  DEFAULT_FEDERATION_KEY_PREFIX,
  decodeKvKey,
  encodeKvKey,
  kvListPattern,
} from './federation-keys';
import { assertUnprefixed, durationMs, LuaScript } from './lua-script';

export interface RedisKvStoreOptions {
  /** A connection without an ioredis `keyPrefix`; the store writes whole keys itself. */
  redis: Redis;
  /** Usually `federationKeyPrefix(REDIS_KEY_PREFIX)`; entries live below `<keyPrefix>kv:`. */
  keyPrefix?: string;
}

// Compare-and-swap against the exact string read before: the structural comparison happens in
// Node (as Fedify's own stores compare), the script only makes "unchanged since read → write"
// atomic. ARGV: expect ('absent' | 'value'), expected string, new ('set' | 'delete'), new string,
// TTL in ms ('' for none).
const CAS = new LuaScript(`
local current = redis.call('GET', KEYS[1])
if ARGV[1] == 'absent' then
  if current then return 0 end
elseif current ~= ARGV[2] then
  return 0
end
if ARGV[3] == 'delete' then
  redis.call('DEL', KEYS[1])
elseif ARGV[5] ~= '' then
  redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[5])
else
  redis.call('SET', KEYS[1], ARGV[4])
end
return 1
`);

const CAS_ATTEMPTS = 10;
const SCAN_COUNT = 500;

/**
 * Fedify's key–value store (idempotence records, cached remote documents, signature-spec memory,
 * circuit-breaker state) on Redis. Values are stored as JSON, expiry as native Redis TTLs.
 */
export class RedisKvStore implements KvStore {
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(options: RedisKvStoreOptions) {
    assertUnprefixed(options.redis, 'RedisKvStore');
    this.redis = options.redis;
    this.prefix = `${options.keyPrefix ?? DEFAULT_FEDERATION_KEY_PREFIX}kv:`;
  }

  async get<T = unknown>(key: KvKey): Promise<T | undefined> {
    return parse<T>(await this.redis.get(this.redisKey(key)));
  }

  async set(key: KvKey, value: unknown, options?: KvStoreSetOptions): Promise<void> {
    const serialized = serialize(value);
    if (serialized === undefined) return this.delete(key);
    const ttl = ttlMs(options);
    if (ttl === undefined) await this.redis.set(this.redisKey(key), serialized);
    else await this.redis.set(this.redisKey(key), serialized, 'PX', ttl);
  }

  async delete(key: KvKey): Promise<void> {
    await this.redis.del(this.redisKey(key));
  }

  async cas(
    key: KvKey,
    expectedValue: unknown,
    newValue: unknown,
    options?: KvStoreSetOptions,
  ): Promise<boolean> {
    const redisKey = this.redisKey(key);
    const expected = parse(serialize(expectedValue) ?? null);
    const next = serialize(newValue);
    const ttl = ttlMs(options);
    // Retry only when another writer changed the raw value between our read and the script;
    // whether it still matches is decided afresh on each round.
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const raw = await this.redis.get(redisKey);
      if (!isDeepStrictEqual(parse(raw), expected)) return false;
      const swapped = await CAS.run(
        this.redis,
        [redisKey],
        [
          raw === null ? 'absent' : 'value',
          raw ?? '',
          next === undefined ? 'delete' : 'set',
          next ?? '',
          ttl === undefined ? '' : String(ttl),
        ],
      );
      if (swapped === 1) return true;
    }
    return false;
  }

  async *list(prefix?: KvKey): AsyncIterable<KvStoreListEntry> {
    const seen = new Set<string>();
    if (prefix) {
      // The entry whose key equals the prefix is part of the listing (as in MemoryKvStore).
      const exact = this.redisKey(prefix);
      const value = parse(await this.redis.get(exact));
      if (value !== undefined) {
        seen.add(exact);
        yield { key: prefix, value };
      }
    }
    const match = kvListPattern(this.prefix, prefix);
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', match, 'COUNT', SCAN_COUNT);
      cursor = next;
      // SCAN may return a key more than once across a full iteration.
      const fresh = keys.filter((key) => !seen.has(key));
      if (fresh.length === 0) continue;
      const values = await this.redis.mget(...fresh);
      for (const [index, redisKey] of fresh.entries()) {
        seen.add(redisKey);
        const value = parse(values[index] ?? null);
        // Expired (or deleted) between SCAN and MGET.
        if (value === undefined) continue;
        yield { key: decodeKvKey(redisKey.slice(this.prefix.length)), value };
      }
    } while (cursor !== '0');
  }

  private redisKey(key: KvKey): string {
    return this.prefix + encodeKvKey(key);
  }
}

/** JSON text of a value, or undefined for `undefined` (which the store treats as "absent"). */
function serialize(value: unknown): string | undefined {
  return JSON.stringify(value) as string | undefined;
}

function parse<T>(raw: string | null): T | undefined {
  return raw === null ? undefined : (JSON.parse(raw) as T);
}

/** Redis wants a positive whole number of milliseconds. */
function ttlMs(options?: KvStoreSetOptions): number | undefined {
  if (!options?.ttl) return undefined;
  return Math.max(1, Math.ceil(durationMs(options.ttl)));
}

import { assertUnprefixed, LuaScript } from '@fediflow/federation-adapters';
import type { Redis } from 'ioredis';

export interface CircuitBreakerOptions {
  /** Usually `federationKeyPrefix(REDIS_KEY_PREFIX)`; state lives below `<keyPrefix>delivery:`. */
  keyPrefix: string;
  /** Consecutive failures (network errors, timeouts, 5xx) that open a host's circuit. */
  failureThreshold?: number;
  /** The first cool-down; each failed probe doubles it, up to `maxCooldownMs`. */
  cooldownMs?: number;
  maxCooldownMs?: number;
  /** How long one delivery may act as the probe of a host before another may try. */
  probeLeaseMs?: number;
  /** Deliveries arriving while a probe is out wait at most this long before asking again. */
  probeWaitMs?: number;
  /** A closed circuit's failure count is forgotten after this long without news. */
  failureMemoryMs?: number;
}

export const CIRCUIT_BREAKER_DEFAULTS = {
  failureThreshold: 5,
  cooldownMs: 60_000,
  maxCooldownMs: 6 * 60 * 60 * 1_000,
  probeLeaseMs: 60_000,
  probeWaitMs: 5_000,
  failureMemoryMs: 24 * 60 * 60 * 1_000,
} as const;

/**
 * Whether a delivery to a host may go now; `clean`: the host has no state at all (no failure on
 * record), so a success has nothing to reset and costs no round trip.
 */
export type Admission =
  { send: true; probe: boolean; clean: boolean } | { send: false; waitMs: number };

export interface OpenCircuit {
  host: string;
  failures: number;
  openedAt: Date;
  /** When the next probe may go. */
  retryAt: Date;
  cooldownMs: number;
  /** A probe is out now. */
  probing: boolean;
}

// Hosts' state shares the hash tag `{circuits}` with the index of open ones, so each script's
// keys sit in one slot (Redis Cluster). Time is the Redis server's, as in the queue.
const NOW = `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
`;

// KEYS: host state, open index. ARGV: probe lease, probe wait.
const ADMIT = new LuaScript(`${NOW}
local retryAt = tonumber(redis.call('HGET', KEYS[1], 'retry_at'))
if not retryAt then return {'send', 0, 1 - redis.call('EXISTS', KEYS[1])} end
if now < retryAt then return {'wait', retryAt - now} end
local probeUntil = tonumber(redis.call('HGET', KEYS[1], 'probe_until') or '0')
if now < probeUntil then return {'wait', math.min(probeUntil - now, tonumber(ARGV[2]))} end
redis.call('HSET', KEYS[1], 'probe_until', now + tonumber(ARGV[1]))
return {'send', 1}
`);

// KEYS: host state, open index. ARGV: host, threshold, cool-down, max cool-down, failure memory.
// Returns 'opened' when this failure opened the circuit (or failed its probe), else 'counted'
// or 'ignored' (a delivery that was already under way when the circuit opened).
const FAILURE = new LuaScript(`${NOW}
local host, threshold = ARGV[1], tonumber(ARGV[2])
local cooldown, maxCooldown, memory = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local retryAt = tonumber(redis.call('HGET', KEYS[1], 'retry_at'))
if retryAt then
  local probeUntil = tonumber(redis.call('HGET', KEYS[1], 'probe_until') or '0')
  if now < retryAt or probeUntil == 0 then return 'ignored' end
  local grown = math.min(tonumber(redis.call('HGET', KEYS[1], 'cooldown_ms')) * 2, maxCooldown)
  redis.call('HINCRBY', KEYS[1], 'failures', 1)
  redis.call('HSET', KEYS[1], 'retry_at', now + grown, 'cooldown_ms', grown, 'probe_until', 0)
  redis.call('PEXPIRE', KEYS[1], maxCooldown * 2 + memory)
  redis.call('ZADD', KEYS[2], now + grown, host)
  return 'opened'
end
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
if failures < threshold then
  redis.call('PEXPIRE', KEYS[1], memory)
  return 'counted'
end
redis.call('HSET', KEYS[1], 'opened_at', now, 'retry_at', now + cooldown, 'cooldown_ms', cooldown,
  'probe_until', 0)
redis.call('PEXPIRE', KEYS[1], maxCooldown * 2 + memory)
redis.call('ZADD', KEYS[2], now + cooldown, host)
return 'opened'
`);

// KEYS: host state, open index. ARGV: host. Returns 1 when the circuit was open.
const SUCCESS = new LuaScript(`
local wasOpen = redis.call('HEXISTS', KEYS[1], 'retry_at')
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return wasOpen
`);

/**
 * A circuit breaker per remote host, in Redis so that every worker replica sees the same state.
 * After `failureThreshold` consecutive failures the host's circuit opens: deliveries to it wait
 * (the caller re-queues them) until the cool-down has passed, then one delivery goes as the
 * probe. Its success closes the circuit; its failure opens it again for twice as long (capped).
 * Any answer that shows the host is up (2xx, and 4xx other than 429) counts as a success.
 */
export class CircuitBreaker {
  private readonly redis: Redis;
  private readonly base: string;
  private readonly openKey: string;
  private readonly options: Required<Omit<CircuitBreakerOptions, 'keyPrefix'>>;

  constructor(redis: Redis, options: CircuitBreakerOptions) {
    assertUnprefixed(redis, 'CircuitBreaker');
    this.redis = redis;
    this.base = `${options.keyPrefix}delivery:{circuits}:`;
    this.openKey = `${this.base}open`;
    this.options = { ...CIRCUIT_BREAKER_DEFAULTS, ...withoutUndefined(options) };
  }

  async admit(host: string): Promise<Admission> {
    const [verdict, value, clean] = (await ADMIT.run(this.redis, this.keysOf(host), [
      this.options.probeLeaseMs,
      this.options.probeWaitMs,
    ])) as [string, number, number?];
    return verdict === 'send'
      ? { send: true, probe: value === 1, clean: clean === 1 }
      : { send: false, waitMs: value };
  }

  /** True when this failure opened the circuit (first time, or a failed probe). */
  async recordFailure(host: string): Promise<boolean> {
    const outcome = await FAILURE.run(this.redis, this.keysOf(host), [
      host,
      this.options.failureThreshold,
      this.options.cooldownMs,
      this.options.maxCooldownMs,
      this.options.failureMemoryMs,
    ]);
    return outcome === 'opened';
  }

  /** True when this success closed an open circuit. */
  async recordSuccess(host: string): Promise<boolean> {
    return (await SUCCESS.run(this.redis, this.keysOf(host), [host])) === 1;
  }

  async openCount(): Promise<number> {
    return this.redis.zcard(this.openKey);
  }

  /** Open circuits, soonest probe first. */
  async listOpen(): Promise<OpenCircuit[]> {
    const hosts = await this.redis.zrange(this.openKey, '0', '-1');
    const circuits: OpenCircuit[] = [];
    for (const host of hosts) {
      const state = await this.redis.hgetall(this.hostKey(host));
      if (state.retry_at === undefined) {
        // Its state expired (no delivery to it for days): forget it.
        await this.redis.zrem(this.openKey, host);
        continue;
      }
      circuits.push({
        host,
        failures: Number(state.failures),
        openedAt: new Date(Number(state.opened_at)),
        retryAt: new Date(Number(state.retry_at)),
        cooldownMs: Number(state.cooldown_ms),
        probing: Number(state.probe_until) > Date.now(),
      });
    }
    return circuits;
  }

  private hostKey(host: string): string {
    return `${this.base}host:${host}`;
  }

  private keysOf(host: string): string[] {
    return [this.hostKey(host), this.openKey];
  }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, entry]) => entry !== undefined),
  ) as Partial<T>;
}

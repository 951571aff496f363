import { LuaScript } from './lua-script';

/**
 * Redis keys of one queue. All share the hash tag `{<name>}` so that the scripts, which touch
 * all of them, also work on a Redis Cluster.
 *
 * - `ready`    ZSET id → due time (ms). Holds waiting messages, ready and delayed alike.
 * - `leases`   ZSET id → lease expiry (ms). Messages handed to a consumer and not yet settled.
 * - `bodies`   HASH id → envelope JSON (message + trace context). Immutable once written.
 * - `order`    HASH id → ordering key, for messages that have one.
 * - `locks`    HASH ordering key → id of the message with that key now in flight.
 * - `attempts` HASH id → deliveries so far; the current value doubles as the lease token.
 * - `due`      HASH id → due time of a leased message, so an expired lease restores its place.
 * - `dead`     LIST of JSON records of messages that exhausted their attempts (newest first).
 * - `seq`      counter for message ids (zero-padded so equal due times keep FIFO order).
 */
export interface QueueKeys {
  ready: string;
  leases: string;
  bodies: string;
  order: string;
  locks: string;
  attempts: string;
  due: string;
  dead: string;
  seq: string;
  /** A Pub/Sub channel rather than a key: immediate enqueues publish to it. */
  wake: string;
}

export function queueKeys(keyPrefix: string, name: string): QueueKeys {
  const base = `${keyPrefix}mq:{${name}}:`;
  return {
    ready: `${base}ready`,
    leases: `${base}leases`,
    bodies: `${base}bodies`,
    order: `${base}order`,
    locks: `${base}locks`,
    attempts: `${base}attempts`,
    due: `${base}due`,
    dead: `${base}dead`,
    seq: `${base}seq`,
    wake: `${base}wake`,
  };
}

/** Every script gets all keys in this order, so they share one preamble. */
export function keyList(keys: QueueKeys): string[] {
  return [
    keys.ready,
    keys.leases,
    keys.bodies,
    keys.order,
    keys.locks,
    keys.attempts,
    keys.due,
    keys.dead,
    keys.seq,
  ];
}

// Time comes from the Redis server, never from the callers: producers and consumers on different
// hosts then agree on what "due" and "expired" mean.
const PREAMBLE = `
local READY, LEASES, BODIES, ORDER, LOCKS, ATTEMPTS, DUE, DEAD, SEQ =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9]
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)

local function unlock(id)
  local key = redis.call('HGET', ORDER, id)
  if key and redis.call('HGET', LOCKS, key) == id then redis.call('HDEL', LOCKS, key) end
end

local function forget(id)
  unlock(id)
  redis.call('ZREM', READY, id)
  redis.call('ZREM', LEASES, id)
  redis.call('HDEL', BODIES, id)
  redis.call('HDEL', ORDER, id)
  redis.call('HDEL', ATTEMPTS, id)
  redis.call('HDEL', DUE, id)
end

local function bury(id, attempts, reason, limit)
  local record = cjson.encode({
    id = id, body = redis.call('HGET', BODIES, id), attempts = attempts,
    error = reason, failedAt = now
  })
  redis.call('LPUSH', DEAD, record)
  redis.call('LTRIM', DEAD, 0, limit - 1)
  forget(id)
end
`;

/**
 * ARGV: delay ms, then pairs of (envelope, ordering key marker: '-' none or '+<key>').
 * KEYS: the queue's keys, then optionally its wake-up channel (published to when not delayed).
 */
export const ENQUEUE = new LuaScript(`${PREAMBLE}
local due = now + tonumber(ARGV[1])
for i = 2, #ARGV, 2 do
  local id = string.format('%016d', redis.call('INCR', SEQ))
  redis.call('HSET', BODIES, id, ARGV[i])
  local marker = ARGV[i + 1]
  if string.sub(marker, 1, 1) == '+' then redis.call('HSET', ORDER, id, string.sub(marker, 2)) end
  redis.call('ZADD', READY, due, id)
end
-- KEYS[10], the wake-up channel: idle consumers of every process poll at once.
if tonumber(ARGV[1]) == 0 and KEYS[10] then redis.call('PUBLISH', KEYS[10], '1') end
return (#ARGV - 1) / 2
`);

/**
 * First returns expired leases to `ready` (their consumer died or stalled), burying those that
 * used up their attempts; then leases the earliest due message whose ordering key is free.
 * ARGV: lease ms, how many ready messages to look at, max attempts, dead-letter limit, how many
 * to lease at most (a batch). Returns {'claimed', id, envelope, attempt, id, envelope, attempt, …}
 * or {'idle', ms until the next delayed message or -1}.
 */
export const CLAIM = new LuaScript(`${PREAMBLE}
local leaseMs, scanLimit = tonumber(ARGV[1]), tonumber(ARGV[2])
local maxAttempts, deadLimit = tonumber(ARGV[3]), tonumber(ARGV[4])
local batch = tonumber(ARGV[5])

for _, id in ipairs(redis.call('ZRANGEBYSCORE', LEASES, '-inf', now, 'LIMIT', 0, 100)) do
  local attempts = tonumber(redis.call('HGET', ATTEMPTS, id) or '0')
  if attempts >= maxAttempts then
    bury(id, attempts, 'lease expired (consumer died or stalled)', deadLimit)
  else
    -- Back at its original due time: first in line again, also among its ordering key.
    local due = redis.call('HGET', DUE, id) or now
    redis.call('ZREM', LEASES, id)
    redis.call('HDEL', DUE, id)
    redis.call('ZADD', READY, due, id)
    unlock(id)
  end
end

local claimed = {}
local candidates = redis.call('ZRANGEBYSCORE', READY, '-inf', now, 'WITHSCORES', 'LIMIT', 0, scanLimit)
for i = 1, #candidates, 2 do
  local id, due = candidates[i], candidates[i + 1]
  local body = redis.call('HGET', BODIES, id)
  if not body then
    redis.call('ZREM', READY, id)
  else
    local key = redis.call('HGET', ORDER, id)
    local free = true
    if key then
      local holder = redis.call('HGET', LOCKS, key)
      -- A holder without a lease is a leftover (e.g. keys removed by hand): take over its lock.
      free = (not holder) or (not redis.call('ZSCORE', LEASES, holder))
      if free then redis.call('HSET', LOCKS, key, id) end
    end
    if free then
      redis.call('ZREM', READY, id)
      redis.call('ZADD', LEASES, now + leaseMs, id)
      redis.call('HSET', DUE, id, due)
      local attempt = redis.call('HINCRBY', ATTEMPTS, id, 1)
      table.insert(claimed, id)
      table.insert(claimed, body)
      table.insert(claimed, attempt)
      if #claimed >= batch * 3 then break end
    end
  end
end
if #claimed > 0 then
  table.insert(claimed, 1, 'claimed')
  return claimed
end

-- Due messages still waiting here are held back by their ordering key: the caller polls for
-- those; otherwise it may sleep until the next delayed message falls due.
local nextDue = redis.call('ZRANGEBYSCORE', READY, '(' .. now, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
if nextDue[2] then return {'idle', tonumber(nextDue[2]) - now} end
return {'idle', -1}
`);

/**
 * Removes a handled message. ARGV: id, attempt (the lease token). A consumer whose lease was
 * taken over by a later delivery acknowledges nothing. Returns 1 if removed, else 0.
 */
export const ACK = new LuaScript(`${PREAMBLE}
if redis.call('HGET', ATTEMPTS, ARGV[1]) ~= ARGV[2] then return 0 end
forget(ARGV[1])
return 1
`);

/**
 * Settles a failed delivery: back to `ready` after a delay, or to the dead letters once attempts
 * are used up. ARGV: id, attempt, delay ms, max attempts, dead-letter limit, error text.
 * Returns 'retry', 'dead' or 'stale' (lease lost to a later delivery).
 */
export const FAIL = new LuaScript(`${PREAMBLE}
local id, attempt = ARGV[1], tonumber(ARGV[2])
if redis.call('HGET', ATTEMPTS, id) ~= ARGV[2] then return 'stale' end
if attempt >= tonumber(ARGV[4]) then
  bury(id, attempt, ARGV[6], tonumber(ARGV[5]))
  return 'dead'
end
redis.call('ZREM', LEASES, id)
redis.call('HDEL', DUE, id)
unlock(id)
redis.call('ZADD', READY, now + tonumber(ARGV[3]), id)
return 'retry'
`);

/** Renews a lease while its handler runs. ARGV: id, attempt, lease ms. Returns 1 or 0 (lost). */
export const EXTEND = new LuaScript(`${PREAMBLE}
if redis.call('HGET', ATTEMPTS, ARGV[1]) ~= ARGV[2] then return 0 end
if not redis.call('ZSCORE', LEASES, ARGV[1]) then return 0 end
redis.call('ZADD', LEASES, 'XX', now + tonumber(ARGV[3]), ARGV[1])
return 1
`);

/** Returns {ready, delayed, in flight, dead, ms the oldest ready message has been due or -1}. */
export const STATS = new LuaScript(`${PREAMBLE}
local oldest = redis.call('ZRANGEBYSCORE', READY, '-inf', now, 'WITHSCORES', 'LIMIT', 0, 1)
return {
  redis.call('ZCOUNT', READY, '-inf', now),
  redis.call('ZCOUNT', READY, '(' .. now, '+inf'),
  redis.call('ZCARD', LEASES),
  redis.call('LLEN', DEAD),
  oldest[2] and (now - tonumber(oldest[2])) or -1
}
`);

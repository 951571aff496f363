import type {
  MessageQueue,
  MessageQueueDepth,
  MessageQueueEnqueueOptions,
  MessageQueueListenOptions,
} from '@fedify/fedify';
import { context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import { DEFAULT_RETRY_POLICY, retryDelayMs, type RetryPolicy } from '@fediflow/queue/federation';
import { assertRedisReady } from '@fediflow/redis';
import type { Redis } from 'ioredis';
import { DEFAULT_FEDERATION_KEY_PREFIX } from './federation-keys';
import { assertUnprefixed, durationMs } from './lua-script';
import {
  ACK,
  CLAIM,
  ENQUEUE,
  EXTEND,
  FAIL,
  keyList,
  queueKeys,
  STATS,
} from './message-queue.scripts';

/** Satisfied by `console` and by Nest's `Logger`. */
export interface QueueLogger {
  warn(message: string): void;
  error(message: string): void;
}

export interface RedisMessageQueueOptions {
  /** A connection without an ioredis `keyPrefix`. Give each consumer process its own. */
  redis: Redis;
  /**
   * The connection `enqueue` uses, when it is not `redis`. Web nodes pass a request-path
   * (`command`) connection, so an enqueue fails at once while Redis is down instead of waiting
   * for it in the offline queue of a consumer connection; the request then answers 503.
   */
  producer?: Redis;
  /** Usually `federationKeyPrefix(REDIS_KEY_PREFIX)`; the queue lives below `<keyPrefix>mq:`. */
  keyPrefix?: string;
  /** Several queues (e.g. inbox and outbox) may share a prefix under different names. */
  name?: string;
  /**
   * How long a delivery stays invisible to other consumers without news from its consumer.
   * Renewed every third of it while the handler runs, so it bounds how late the message of a
   * consumer that died is handed out again, not how long a handler may take. Default 60 s.
   */
  leaseMs?: number;
  /**
   * Idle consumers look for work this often (sooner when a delayed message falls due). An
   * immediate enqueue anywhere also wakes them at once, through a Redis channel; polling is the
   * fallback for a missed notification.
   */
  pollIntervalMs?: number;
  /** Handlers run at once by one `listen()`; use this rather than Fedify's ParallelMessageQueue. */
  concurrency?: number;
  /**
   * Messages leased per claim (one round trip), up to the free handler slots. A consumer never
   * waits for a batch to fill: it takes what is due. Default 10.
   */
  batchSize?: number;
  /**
   * `true`: Fedify lets delivery failures throw, and this queue's `retry` policy is the only one.
   * `false` (default): Fedify schedules its own retries by enqueueing again and resolves;
   * `retry` then only catches errors Fedify lets escape, so nothing is retried twice.
   */
  nativeRetrial?: boolean;
  retry?: Partial<RetryPolicy>;
  /** Dead letters kept for inspection (newest first). Default 1,000. */
  deadLetterLimit?: number;
  logger?: QueueLogger;
}

/** Counts for metrics, read in one round trip with the Redis server's clock. */
export interface RedisMessageQueueStats {
  /** Waiting and due. */
  ready: number;
  /** Waiting for their due time. */
  delayed: number;
  /** Leased to a consumer (including leases of consumers that died, until they expire). */
  inFlight: number;
  dead: number;
  /** How long the longest-due ready message has waited past its due time; 0 if none. */
  oldestAgeSeconds: number;
}

/** What is stored per message: the payload and the trace context of the code that enqueued it. */
interface Envelope {
  message: unknown;
  trace: Record<string, string>;
}

interface Claimed {
  id: string;
  envelope: Envelope;
  attempt: number;
}

type ClaimResult = { claimed: Claimed[] } | { idleMs: number };

// How many due messages one claim looks past when their ordering keys are busy.
const CLAIM_SCAN_LIMIT = 100;
// Messages one ENQUEUE script takes at most (a fan-out's thousand go in a few calls).
const ENQUEUE_BATCH_LIMIT = 250;

/** Enqueues made in the same turn of the event loop with the same delay, sent as one script. */
interface EnqueueBatch {
  /** Envelope JSON and ordering marker, pairwise. */
  pairs: string[];
  /** Each caller with the end of its pairs, so a failed chunk fails only the callers in it. */
  waiters: { end: number; resolve: () => void; reject: (error: unknown) => void }[];
}

/**
 * Fedify's message queue on Redis, delivering at least once: a message is leased to one consumer
 * and removed only after its handler resolves; a lease not renewed (consumer died) expires and the
 * message is handed out again; a handler that throws gets it back after an exponential back-off,
 * and after `maxAttempts` deliveries it moves to a dead-letter list. Delayed messages and messages
 * with the same ordering key (one at a time, in due order) are honoured. Handlers run inside the
 * OpenTelemetry context that was active at `enqueue`.
 */
export class RedisMessageQueue implements MessageQueue {
  readonly nativeRetrial: boolean;
  private readonly redis: Redis;
  private readonly producer: Redis;
  private readonly keys: string[];
  /** Published to on every immediate enqueue; idle listeners (any process) wake up. */
  private readonly wakeChannel: string;
  private readonly leaseMs: number;
  private readonly pollIntervalMs: number;
  private readonly concurrency: number;
  private readonly batchSize: number;
  private readonly retry: RetryPolicy;
  private readonly deadLetterLimit: number;
  private readonly logger: QueueLogger;
  private readonly sleepers = new Set<() => void>();
  private readonly batches = new Map<number, EnqueueBatch>();

  constructor(options: RedisMessageQueueOptions) {
    assertUnprefixed(options.redis, 'RedisMessageQueue');
    this.redis = options.redis;
    if (options.producer) assertUnprefixed(options.producer, 'RedisMessageQueue producer');
    this.producer = options.producer ?? options.redis;
    const keys = queueKeys(
      options.keyPrefix ?? DEFAULT_FEDERATION_KEY_PREFIX,
      options.name ?? 'default',
    );
    this.keys = keyList(keys);
    this.wakeChannel = keys.wake;
    this.leaseMs = positive(options.leaseMs ?? 60_000, 'leaseMs');
    this.pollIntervalMs = positive(options.pollIntervalMs ?? 1_000, 'pollIntervalMs');
    this.concurrency = positive(options.concurrency ?? 1, 'concurrency');
    this.batchSize = positive(options.batchSize ?? 10, 'batchSize');
    this.nativeRetrial = options.nativeRetrial ?? false;
    this.retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    positive(this.retry.maxAttempts, 'retry.maxAttempts');
    this.deadLetterLimit = positive(options.deadLetterLimit ?? 1_000, 'deadLetterLimit');
    this.logger = options.logger ?? console;
  }

  /**
   * Throws `RedisUnavailableError` at once while a fail-fast `producer` is not connected, so a
   * request path can answer 503 before doing any work. Without one, enqueues wait for Redis.
   */
  assertProducerReady(): void {
    if (this.producer !== this.redis) assertRedisReady(this.producer, 'enqueue');
  }

  enqueue(message: unknown, options?: MessageQueueEnqueueOptions): Promise<void> {
    return this.enqueueMany([message], options);
  }

  async enqueueMany(
    messages: readonly unknown[],
    options?: MessageQueueEnqueueOptions,
  ): Promise<void> {
    if (messages.length === 0) return;
    const delayMs = options?.delay ? Math.max(0, Math.ceil(durationMs(options.delay))) : 0;
    const trace: Record<string, string> = {};
    propagation.inject(context.active(), trace);
    const orderingMarker = options?.orderingKey === undefined ? '-' : `+${options.orderingKey}`;
    const pairs: string[] = [];
    for (const message of messages) {
      pairs.push(JSON.stringify({ message, trace } satisfies Envelope), orderingMarker);
    }
    this.assertProducerReady();
    await this.batched(delayMs, pairs);
  }

  /**
   * Fedify enqueues a fan-out's deliveries one by one (each has its own ordering key): those of
   * one turn of the event loop share script calls, and one wake-up, instead of one round trip
   * and one PUBLISH each. Every caller still learns whether its own messages were stored.
   */
  private batched(delayMs: number, pairs: string[]): Promise<void> {
    let batch = this.batches.get(delayMs);
    if (!batch) {
      const created: EnqueueBatch = { pairs: [], waiters: [] };
      this.batches.set(delayMs, created);
      setImmediate(() => {
        this.batches.delete(delayMs);
        void this.flush(delayMs, created);
      });
      batch = created;
    }
    batch.pairs.push(...pairs);
    const { waiters } = batch;
    const end = batch.pairs.length;
    return new Promise((resolve, reject) => waiters.push({ end, resolve, reject }));
  }

  private async flush(delayMs: number, batch: EnqueueBatch): Promise<void> {
    let stored = 0;
    try {
      while (stored < batch.pairs.length) {
        const chunk = batch.pairs.slice(stored, stored + 2 * ENQUEUE_BATCH_LIMIT);
        // An immediate message is announced on the wake-up channel in the same script.
        await ENQUEUE.run(this.producer, [...this.keys, this.wakeChannel], [delayMs, ...chunk]);
        stored += chunk.length;
        // Consumers of this instance need not even wait for the announcement.
        if (delayMs === 0) this.wakeSleepers();
      }
    } catch (error) {
      for (const waiter of batch.waiters) {
        if (waiter.end <= stored) waiter.resolve();
        else waiter.reject(error);
      }
      return;
    }
    for (const waiter of batch.waiters) waiter.resolve();
  }

  /** Resolves once `signal` aborts and the handlers in flight have settled; never rejects. */
  async listen(
    handler: (message: unknown) => Promise<void> | void,
    options: MessageQueueListenOptions = {},
  ): Promise<void> {
    const { signal } = options;
    const inFlight = new Set<Promise<void>>();
    const wakeups = this.subscribeToWakeups();
    while (!signal?.aborted) {
      if (inFlight.size >= this.concurrency) {
        await Promise.race(inFlight);
        continue;
      }
      let result: ClaimResult;
      try {
        result = await this.claim(Math.min(this.batchSize, this.concurrency - inFlight.size));
      } catch (error) {
        this.logger.warn(`federation queue: claiming failed, retrying: ${describe(error)}`);
        await this.sleep(this.pollIntervalMs, signal);
        continue;
      }
      if ('idleMs' in result) {
        const wait = result.idleMs < 0 ? this.pollIntervalMs : result.idleMs;
        await this.sleep(Math.min(this.pollIntervalMs, wait), signal);
        continue;
      }
      for (const claimed of result.claimed) {
        const task = this.deliver(claimed, handler).finally(() => inFlight.delete(task));
        inFlight.add(task);
      }
    }
    await Promise.allSettled(inFlight);
    wakeups.disconnect();
  }

  /**
   * A subscriber connection (a subscribed connection can run nothing else) that wakes this
   * instance's idle listeners when another process enqueues. ioredis resubscribes after a
   * reconnect; while it is down, polling still finds the work.
   */
  private subscribeToWakeups(): Redis {
    const name = this.redis.options.connectionName;
    const subscriber = this.redis.duplicate({
      connectionName: name ? `${name}:wake` : undefined,
    });
    subscriber.on('message', () => this.wakeSleepers());
    // As every connection here: reconnects are ioredis's job, an unheard 'error' would crash.
    subscriber.on('error', () => undefined);
    // Not awaited: with Redis down it would wait for it, and `listen` must stay abortable.
    subscriber.subscribe(this.wakeChannel).catch((error: unknown) => {
      this.logger.warn(`federation queue: not subscribed to wake-ups: ${describe(error)}`);
    });
    return subscriber;
  }

  /** For Fedify's queue-depth gauge (messages handed to a consumer are not counted). */
  async getDepth(): Promise<MessageQueueDepth> {
    const { ready, delayed } = await this.stats();
    return { queued: ready + delayed, ready, delayed };
  }

  async stats(): Promise<RedisMessageQueueStats> {
    const [ready = 0, delayed = 0, inFlight = 0, dead = 0, oldestMs = -1] = (await STATS.run(
      this.redis,
      this.keys,
    )) as number[];
    return { ready, delayed, inFlight, dead, oldestAgeSeconds: Math.max(0, oldestMs) / 1_000 };
  }

  private async claim(max: number): Promise<ClaimResult> {
    const reply = (await CLAIM.run(this.redis, this.keys, [
      this.leaseMs,
      CLAIM_SCAN_LIMIT,
      this.retry.maxAttempts,
      this.deadLetterLimit,
      max,
    ])) as [string, ...(string | number)[]];
    if (reply[0] === 'idle') return { idleMs: Number(reply[1]) };
    const claimed: Claimed[] = [];
    for (let i = 1; i + 2 < reply.length; i += 3) {
      claimed.push({
        id: String(reply[i]),
        envelope: JSON.parse(String(reply[i + 1])) as Envelope,
        attempt: Number(reply[i + 2]),
      });
    }
    return { claimed };
  }

  private async deliver(
    { id, envelope, attempt }: Claimed,
    handler: (message: unknown) => Promise<void> | void,
  ): Promise<void> {
    const lease = [id, String(attempt)];
    const heartbeat = setInterval(() => {
      EXTEND.run(this.redis, this.keys, [...lease, this.leaseMs]).then(
        (renewed) => {
          if (renewed !== 1) {
            this.logger.warn(`federation queue: lost the lease of ${id}; it may run twice`);
          }
        },
        (error: unknown) =>
          this.logger.warn(`federation queue: renewing ${id}: ${describe(error)}`),
      );
    }, this.leaseMs / 3);
    let failure: { error: unknown } | undefined;
    try {
      const parent = propagation.extract(ROOT_CONTEXT, envelope.trace);
      await context.with(parent, async () => handler(envelope.message));
    } catch (error) {
      failure = { error };
    } finally {
      clearInterval(heartbeat);
    }
    try {
      if (!failure) {
        await ACK.run(this.redis, this.keys, lease);
        // A message held back by this one's ordering key may now go.
        this.wakeSleepers();
        return;
      }
      const delayMs = retryDelayMs(attempt, this.retry);
      const outcome = await FAIL.run(this.redis, this.keys, [
        ...lease,
        delayMs,
        this.retry.maxAttempts,
        this.deadLetterLimit,
        failure.error instanceof Error ? failure.error.message : String(failure.error),
      ]);
      const next = outcome === 'retry' ? `retry in ${delayMs} ms` : String(outcome);
      this.logger.error(
        `federation queue: message ${id} failed (attempt ${attempt}, ${next}): ${describe(failure.error)}`,
      );
    } catch (error) {
      // The lease expires and the message is delivered again: at least once, never lost.
      this.logger.warn(`federation queue: settling ${id} failed: ${describe(error)}`);
    }
  }

  private wakeSleepers(): void {
    for (const wake of this.sleepers) wake();
  }

  /** Waits `ms`, or less if aborted or if this instance enqueues a message meanwhile. */
  private sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      this.sleepers.add(done);
    });
  }
}

function positive(value: number, name: string): number {
  if (!(value > 0)) throw new RangeError(`RedisMessageQueue: ${name} must be positive`);
  return value;
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { context, propagation, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { isolatedInfrastructure, waitFor, type IsolatedInfrastructure } from '@fediflow/testing';
import { Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { duration } from './duration.testing';
import { federationKeyPrefix } from './federation-keys';
import { RedisMessageQueue, type RedisMessageQueueOptions } from './redis-message.queue';

interface Job {
  n: number;
}

describe('RedisMessageQueue against Redis', () => {
  let infra: IsolatedInfrastructure;
  let keyPrefix: string;
  let queueCount = 0;
  const connections: Redis[] = [];
  const listeners: { controller: AbortController; done: Promise<void> }[] = [];
  const cleanups: (() => void)[] = [];
  const logged: string[] = [];
  const logger = {
    warn: (line: string) => logged.push(line),
    error: (line: string) => logged.push(line),
  };

  beforeAll(async () => {
    infra = await isolatedInfrastructure('federation-mq');
    keyPrefix = federationKeyPrefix(infra.redis.prefix);
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) cleanup();
    for (const { controller } of listeners) controller.abort();
    await Promise.all(listeners.splice(0).map(({ done }) => done));
    for (const connection of connections.splice(0)) connection.disconnect();
  });
  afterAll(async () => {
    propagation.disable();
    context.disable();
    await infra.release();
  });

  /** A fresh queue name per test; each consumer gets its own connection, like separate pods. */
  function queueName(): string {
    return `test-${++queueCount}`;
  }
  function consumer(name: string, options: Partial<RedisMessageQueueOptions> = {}) {
    const redis = new Redis(infra.redisUrl);
    redis.on('error', () => undefined);
    connections.push(redis);
    const queue = new RedisMessageQueue({
      redis,
      keyPrefix,
      name,
      pollIntervalMs: 50,
      leaseMs: 2_000,
      retry: { initialDelayMs: 100, maxDelayMs: 1_000 },
      logger,
      ...options,
    });
    return { queue, redis };
  }
  function listen(queue: RedisMessageQueue, handler: (message: Job) => Promise<void> | void) {
    const controller = new AbortController();
    let settled = false;
    const done = queue
      .listen((message) => handler(message as Job), { signal: controller.signal })
      .finally(() => (settled = true));
    listeners.push({ controller, done });
    return { controller, done, settled: () => settled };
  }
  /** A promise the test resolves by hand; released at the latest when the test ends. */
  function gate() {
    let open = () => undefined as void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    cleanups.push(open);
    return { opened, open };
  }

  it('hands every enqueued message to the handler once and removes it afterwards', async () => {
    const { queue } = consumer(queueName());
    const seen: number[] = [];
    listen(queue, ({ n }) => {
      seen.push(n);
    });
    await queue.enqueue({ n: 0 });
    await queue.enqueueMany(Array.from({ length: 24 }, (_, i) => ({ n: i + 1 })));
    await waitFor('25 messages', async () => (seen.length >= 25 ? true : undefined));
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    await waitFor('the queue to drain', async () => {
      const stats = await queue.stats();
      return stats.ready + stats.delayed + stats.inFlight === 0 ? stats : undefined;
    });
  });

  it('sends the enqueues of one turn (a fan-out) in a few script calls, each ordering key kept', async () => {
    const name = queueName();
    const { queue, redis } = consumer(name);
    const scripts: number[] = [];
    const evalsha = redis.evalsha.bind(redis);
    redis.evalsha = ((...args: Parameters<typeof redis.evalsha>) => {
      scripts.push(Number(args[1]));
      return evalsha(...args);
    }) as typeof redis.evalsha;
    // As Fedify fans out: one enqueue per inbox, each with its own ordering key.
    await Promise.all(
      Array.from({ length: 600 }, (_, n) =>
        queue.enqueue({ n } satisfies Job, { orderingKey: `member\nhttps://host${n}.example` }),
      ),
    );
    expect(scripts.length).toBeLessThanOrEqual(3);
    expect((await queue.stats()).ready).toBe(600);
    const seen = new Set<number>();
    listen(queue, (job) => void seen.add(job.n));
    await waitFor('every message', async () => (seen.size === 600 ? true : undefined));
  });

  it('wakes idle consumers of other processes on enqueue instead of waiting for their poll', async () => {
    const name = queueName();
    // The consumer would not poll again within the test's time: only the wake-up can reach it.
    const { queue: idle } = consumer(name, { pollIntervalMs: 600_000 });
    const { queue: producer, redis } = consumer(name);
    const seen: number[] = [];
    listen(idle, ({ n }) => {
      seen.push(n);
    });
    // Let the consumer find the queue empty and fall asleep, subscribed.
    await waitFor('the consumer to subscribe', async () => {
      const [, subscribers] = (await redis.pubsub('NUMSUB', `${keyPrefix}mq:{${name}}:wake`)) as [
        string,
        number,
      ];
      return subscribers > 0 ? true : undefined;
    });
    await producer.enqueue({ n: 7 });
    await waitFor('the woken consumer', async () => (seen.includes(7) ? true : undefined), {
      timeoutMs: 10_000,
    });
  });

  it('leases messages in batches without ever running more handlers than its concurrency', async () => {
    const { queue } = consumer(queueName(), { concurrency: 4, batchSize: 3 });
    const seen: number[] = [];
    let running = 0;
    let most = 0;
    listen(queue, async ({ n }) => {
      running += 1;
      most = Math.max(most, running);
      await sleep(20);
      seen.push(n);
      running -= 1;
    });
    await queue.enqueueMany(Array.from({ length: 20 }, (_, i) => ({ n: i })));
    await waitFor('20 messages', async () => (seen.length >= 20 ? true : undefined));
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(4);
  });

  it('keeps its keys below the service prefix', async () => {
    const { queue, redis } = consumer(queueName());
    await queue.enqueue({ n: 1 });
    const keys = await redis.keys(`${infra.redis.prefix}:fedify:mq:*`);
    expect(keys.length).toBeGreaterThan(0);
  });

  it('does not deliver a delayed message before it is due', async () => {
    const { queue } = consumer(queueName());
    const enqueuedAt = Date.now();
    await queue.enqueue({ n: 1 }, { delay: duration({ milliseconds: 1_500 }) });
    const before = await queue.stats();
    expect(before).toMatchObject({ ready: 0, delayed: 1, inFlight: 0 });
    expect(await queue.getDepth()).toEqual({ queued: 1, ready: 0, delayed: 1 });

    let handledAt = 0;
    listen(queue, () => {
      handledAt = Date.now();
    });
    await waitFor('the delayed message', async () => (handledAt ? true : undefined));
    // The due time is taken from Redis' clock (same host); allow for millisecond rounding.
    expect(handledAt - enqueuedAt).toBeGreaterThanOrEqual(1_450);
  });

  it('reports the age of the oldest due message and the depth for metrics', async () => {
    const { queue } = consumer(queueName());
    await queue.enqueue({ n: 1 });
    await queue.enqueue({ n: 2 }, { delay: duration({ minutes: 5 }) });
    const stats = await waitFor('the oldest message to age', async () => {
      const current = await queue.stats();
      return current.oldestAgeSeconds >= 0.3 ? current : undefined;
    });
    expect(stats).toMatchObject({ ready: 1, delayed: 1, inFlight: 0, dead: 0 });
    expect(stats.oldestAgeSeconds).toBeLessThan(20);
    expect(await queue.getDepth()).toEqual({ queued: 2, ready: 1, delayed: 1 });
  });

  it('delivers a message again after a back-off when the handler throws', async () => {
    const { queue } = consumer(queueName(), {
      retry: { initialDelayMs: 400, maxDelayMs: 1_000, maxAttempts: 5 },
    });
    const deliveries: number[] = [];
    listen(queue, () => {
      deliveries.push(Date.now());
      if (deliveries.length === 1) throw new Error('remote inbox unavailable');
    });
    await queue.enqueue({ n: 1 });
    await waitFor('the redelivery', async () => (deliveries.length >= 2 ? true : undefined));
    const [first = 0, second = 0] = deliveries;
    // Jitter keeps the first back-off between half and all of 400 ms.
    expect(second - first).toBeGreaterThanOrEqual(190);
    const stats = await waitFor('the retried message to be acknowledged', async () => {
      const current = await queue.stats();
      return current.ready + current.inFlight === 0 ? current : undefined;
    });
    expect(stats.dead).toBe(0);
    expect(deliveries).toHaveLength(2);
    expect(logged.some((line) => line.includes('remote inbox unavailable'))).toBe(true);
  });

  it('moves a message to the dead letters once its attempts are used up', async () => {
    const name = queueName();
    const { queue, redis } = consumer(name, {
      retry: { initialDelayMs: 50, maxDelayMs: 100, maxAttempts: 3 },
    });
    let deliveries = 0;
    listen(queue, () => {
      deliveries++;
      throw new Error(`poison ${deliveries}`);
    });
    await queue.enqueue({ n: 7 });
    const stats = await waitFor('the dead letter', async () => {
      const current = await queue.stats();
      return current.dead === 1 ? current : undefined;
    });
    expect(stats).toMatchObject({ ready: 0, delayed: 0, inFlight: 0 });
    expect(deliveries).toBe(3);
    const [record] = await redis.lrange(`${keyPrefix}mq:{${name}}:dead`, 0, 0);
    expect(JSON.parse(record ?? '{}')).toMatchObject({ attempts: 3, error: 'poison 3' });
    expect(JSON.parse(JSON.parse(record ?? '{}').body as string)).toMatchObject({
      message: { n: 7 },
    });
  });

  it("hands a dead consumer's message to another one once its lease expires", async () => {
    const name = queueName();
    const leaseMs = 600;
    const dying = consumer(name, { leaseMs });
    const stuck = gate();
    let startedAt = 0;
    listen(dying.queue, async () => {
      startedAt = Date.now();
      // Never finishes while the test runs: the process "dies" mid-handler.
      await stuck.opened;
    });
    await dying.queue.enqueue({ n: 42 });
    await waitFor('the first consumer to start', async () => (startedAt ? true : undefined));
    // Its connection goes away without acknowledging, as when the pod is killed.
    dying.redis.disconnect();

    const survivor = consumer(name, { leaseMs });
    const handled: { n: number; at: number }[] = [];
    listen(survivor.queue, ({ n }) => {
      handled.push({ n, at: Date.now() });
    });
    await waitFor('the survivor to get the message', async () =>
      handled.length > 0 ? true : undefined,
    );
    expect(handled[0]?.n).toBe(42);
    // Not before the dead consumer's lease ran out.
    expect((handled[0]?.at ?? 0) - startedAt).toBeGreaterThanOrEqual(leaseMs - 50);
    await waitFor('the queue to drain', async () => {
      const stats = await survivor.queue.stats();
      return stats.ready + stats.inFlight === 0 ? true : undefined;
    });
    expect(handled).toHaveLength(1);
  });

  it('renews the lease of a handler that runs longer than the lease', async () => {
    const name = queueName();
    const leaseMs = 1_000;
    const slow = consumer(name, { leaseMs });
    const other = consumer(name, { leaseMs });
    const handledBy: string[] = [];
    const slowDone = listen(slow.queue, async () => {
      handledBy.push('slow');
      await sleep(2.5 * leaseMs);
    });
    await slow.queue.enqueue({ n: 1 });
    await waitFor('the slow consumer to start', async () => (handledBy.length ? true : undefined));
    listen(other.queue, () => {
      handledBy.push('other');
    });
    // Once the slow handler has finished and acknowledged, nobody can get the message any more.
    slowDone.controller.abort();
    await slowDone.done;
    expect(await slow.queue.stats()).toMatchObject({ ready: 0, inFlight: 0, dead: 0 });
    expect(handledBy).toEqual(['slow']);
  });

  it('lets several consumers share a queue without handling a message twice', async () => {
    const name = queueName();
    const counts = new Map<number, number>();
    const a = consumer(name, { concurrency: 3 });
    const b = consumer(name, { concurrency: 3 });
    const handler = async ({ n }: Job) => {
      counts.set(n, (counts.get(n) ?? 0) + 1);
      await sleep(Math.random() * 10);
    };
    const listening = [listen(a.queue, handler), listen(b.queue, handler)];
    await a.queue.enqueueMany(Array.from({ length: 40 }, (_, n) => ({ n })));
    await waitFor('all 40 messages', async () => (counts.size === 40 ? true : undefined));
    for (const { controller } of listening) controller.abort();
    await Promise.all(listening.map(({ done }) => done));
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
    expect(await a.queue.stats()).toMatchObject({ ready: 0, inFlight: 0 });
  });

  it('processes messages with the same ordering key one at a time, in order', async () => {
    const name = queueName();
    const a = consumer(name, { concurrency: 4 });
    const b = consumer(name, { concurrency: 4 });
    const order: number[] = [];
    let active = 0;
    let maxActive = 0;
    const handler = async ({ n }: Job) => {
      if (n >= 100) return;
      active++;
      maxActive = Math.max(maxActive, active);
      order.push(n);
      await sleep(20);
      active--;
    };
    await a.queue.enqueue({ n: 0 }, { orderingKey: 'actor-1\nhttps://remote.example' });
    await a.queue.enqueueMany(
      [1, 2, 3, 4, 5].map((n) => ({ n })),
      { orderingKey: 'actor-1\nhttps://remote.example' },
    );
    await a.queue.enqueueMany(Array.from({ length: 10 }, (_, i) => ({ n: 100 + i })));
    listen(a.queue, handler);
    listen(b.queue, handler);
    await waitFor('the ordered messages', async () => (order.length === 6 ? true : undefined));
    expect(order).toEqual([0, 1, 2, 3, 4, 5]);
    expect(maxActive).toBe(1);
  });

  it('stops listening when aborted, after the handler in flight has finished', async () => {
    const { queue } = consumer(queueName());
    const release = gate();
    let started = false;
    const listening = listen(queue, async () => {
      started = true;
      await release.opened;
    });
    await queue.enqueue({ n: 1 });
    await waitFor('the handler to start', async () => (started ? true : undefined));
    listening.controller.abort();
    await Promise.resolve();
    expect(listening.settled()).toBe(false);
    release.open();
    await listening.done;
    // The message in flight was settled, and nothing takes new ones.
    await queue.enqueue({ n: 2 });
    expect(await queue.stats()).toMatchObject({ ready: 1, inFlight: 0 });

    const aborted = new AbortController();
    aborted.abort();
    await queue.listen(() => undefined, { signal: aborted.signal });
    expect(await queue.stats()).toMatchObject({ ready: 1, inFlight: 0 });
  });

  it('runs the handler inside the trace context of the code that enqueued', async () => {
    const { queue } = consumer(queueName());
    const enqueuer = {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: TraceFlags.SAMPLED,
    };
    const listener = { ...enqueuer, traceId: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' };
    const seen = new Map<number, string | undefined>();
    // The listener's own context must not leak into handlers.
    context.with(trace.setSpanContext(ROOT_CONTEXT, listener), () =>
      listen(queue, ({ n }) => {
        seen.set(n, trace.getSpanContext(context.active())?.traceId);
      }),
    );
    await context.with(trace.setSpanContext(ROOT_CONTEXT, enqueuer), () => queue.enqueue({ n: 1 }));
    await queue.enqueue({ n: 2 });
    await waitFor('both messages', async () => (seen.size === 2 ? true : undefined));
    expect(seen.get(1)).toBe(enqueuer.traceId);
    expect(seen.get(2)).toBeUndefined();
  });

  it('refuses nonsensical settings', () => {
    const redis = new Redis(infra.redisUrl, { lazyConnect: true });
    connections.push(redis);
    expect(() => new RedisMessageQueue({ redis, leaseMs: 0 })).toThrow(/leaseMs/);
    expect(() => new RedisMessageQueue({ redis, concurrency: -1 })).toThrow(/concurrency/);
    expect(new RedisMessageQueue({ redis }).nativeRetrial).toBe(false);
    expect(new RedisMessageQueue({ redis, nativeRetrial: true }).nativeRetrial).toBe(true);
  });
});

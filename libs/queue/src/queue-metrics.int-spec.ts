import { isolatedInfrastructure, type IsolatedInfrastructure } from '@fediflow/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueMetrics } from './queue-metrics';
import { queuePrefix } from './queue-settings';

describe('QueueMetrics against Redis', () => {
  let infra: IsolatedInfrastructure;
  let connection: Redis;
  let queue: Queue;

  beforeAll(async () => {
    infra = await isolatedInfrastructure('queue-metrics');
    connection = new Redis(infra.redisUrl, { maxRetriesPerRequest: null });
    queue = new Queue('metrics-test', { connection, prefix: queuePrefix(infra.redis.prefix) });
  });
  afterAll(async () => {
    await queue.close();
    connection.disconnect();
    await infra.release();
  });

  it('reports depth by state and the age of the oldest waiting job', async () => {
    await queue.add('old', {}, { timestamp: Date.now() - 120_000 });
    await queue.add('new', {});
    await queue.add('later', {}, { delay: 60_000 });
    const registry = new Registry();
    const metrics = new QueueMetrics(registry, () => [queue]);
    metrics.record('metrics-test', 'old', 'completed', 0.2);

    const text = await registry.metrics();
    expect(text).toContain('queue_jobs{queue="metrics-test",state="waiting"} 2');
    expect(text).toContain('queue_jobs{queue="metrics-test",state="delayed"} 1');
    const age = Number(
      /queue_oldest_waiting_job_age_seconds\{queue="metrics-test"\} ([\d.]+)/.exec(text)?.[1],
    );
    expect(age).toBeGreaterThanOrEqual(119);
    expect(age).toBeLessThan(200);
    expect(text).toContain(
      'queue_jobs_processed_total{queue="metrics-test",job="old",outcome="completed"} 1',
    );
  });

  it('keeps BullMQ keys below the isolated prefix', async () => {
    const keys = await connection.keys(`${infra.redis.prefix}:bull:metrics-test:*`);
    expect(keys.length).toBeGreaterThan(0);
  });
});

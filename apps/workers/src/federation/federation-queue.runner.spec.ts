import type { WorkersConfig } from '@fediflow/config';
import type { FederationRuntime } from '@fediflow/federation';
import { describe, expect, it } from 'vitest';
import { FederationQueueRunner } from './federation-queue.runner';

function runnerWith(config: Partial<WorkersConfig>) {
  const started: unknown[] = [];
  const runtime = {
    federation: {
      startQueue: (_context: unknown, options: { signal: AbortSignal; queue?: string }) => {
        started.push(options.queue ?? 'all');
        return new Promise<void>((resolve) =>
          options.signal.addEventListener('abort', () => resolve()),
        );
      },
    },
  } as unknown as FederationRuntime;
  const runner = new FederationQueueRunner(runtime, {
    FEDERATION_ENABLED: true,
    INBOUND_QUEUE: 'redis',
    ...config,
  } as WorkersConfig);
  return { runner, started };
}

describe('FederationQueueRunner', () => {
  it('runs the whole Fedify queue (inbox and deliveries) with inbound activities on Redis', async () => {
    const { runner, started } = runnerWith({});
    runner.onApplicationBootstrap();
    expect(started).toEqual(['all']);
    await runner.onModuleDestroy();
  });

  it('runs only the deliveries when the activityProcessor Lambda consumes inbound from SQS', async () => {
    const { runner, started } = runnerWith({ INBOUND_QUEUE: 'sqs' });
    runner.onApplicationBootstrap();
    expect(started).toEqual(['outbox']);
    expect(runner.isRunning).toBe(true);
    await runner.onModuleDestroy();
    expect(runner.isRunning).toBe(false);
  });
});

import type { Message } from '@fedify/fedify';
import { FederationRuntime } from '@fediflow/federation';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { Logger } from '@nestjs/common';
import { openLambdaEnvironment, type LambdaEnvironmentOptions } from './lambda-environment';
import { handleSqsBatch } from './sqs-batch';

/**
 * Records are started only with this much of the function's time left (timeout 30 s): an
 * activity's handler fetches remote documents with their own timeouts, well below it.
 */
export const RESERVE_MS = 10_000;

export interface ActivityProcessor {
  handle(
    event: SQSEvent,
    context: Pick<Context, 'getRemainingTimeInMillis'>,
  ): Promise<SQSBatchResponse>;
  close(): Promise<void>;
}

/**
 * The activityProcessor Lambda: each SQS record is a queued inbound activity (Fedify's inbox
 * message, as the federation service enqueued it) handed to the same Fedify federation and inbox
 * handlers the Kubernetes workers run (`FederationRuntime.federation.processQueuedTask`).
 * Redelivery is harmless: Fedify skips an activity id it has handled (its idempotence record in
 * Redis) and the handlers' writes are unique by URI. Deliveries the handlers cause (an Accept)
 * go to the workers' Redis queue.
 */
export async function createActivityProcessor(
  options: Omit<LambdaEnvironmentOptions, 'name'>,
): Promise<ActivityProcessor> {
  const environment = await openLambdaEnvironment({ ...options, name: 'activity-processor' });
  if (environment.config.INBOUND_QUEUE !== 'sqs') {
    await environment.close();
    // With Redis as the inbox queue Fedify would requeue a failure there and report success.
    throw new Error('the activityProcessor needs INBOUND_QUEUE=sqs and INBOUND_QUEUE_URL');
  }
  const runtime = new FederationRuntime(environment.config, environment.db);
  const logger = new Logger('ActivityProcessor');
  return {
    handle: (event, context) =>
      handleSqsBatch(event.Records, {
        process: (message, record) =>
          runtime.federation.processQueuedTask(undefined, {
            ...(message as Message),
            // Fedify logs the attempt; SQS counts the receives.
            attempt: Number(record.attributes.ApproximateReceiveCount ?? 1) - 1,
          } as Message),
        remainingMs: () => context.getRemainingTimeInMillis(),
        reserveMs: RESERVE_MS,
        logger: {
          warn: (entry) => logger.warn(entry),
          error: (entry) => logger.error(entry),
        },
      }),
    close: async () => {
      await runtime.onApplicationShutdown();
      await environment.close();
    },
  };
}

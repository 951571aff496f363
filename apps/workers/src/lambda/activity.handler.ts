import type { SQSHandler } from 'aws-lambda';
import { lazyOnce } from './lambda-environment';

// Loaded and connected during the init phase; nothing of Nest's HTTP stack is part of it.
const processor = lazyOnce(async () =>
  (await import('./activity-processor')).createActivityProcessor({}),
);

/** activityProcessor: SQS batches of inbound activities, with partial batch responses. */
export const handler: SQSHandler = async (event, context) =>
  (await processor()).handle(event, context);

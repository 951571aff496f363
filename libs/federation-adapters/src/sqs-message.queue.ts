import type { MessageQueue, MessageQueueEnqueueOptions } from '@fedify/fedify';
import type { SendMessageBatchRequestEntry, SQSClient } from '@aws-sdk/client-sqs';
import { durationMs } from './lua-script';

export interface SqsMessageQueueOptions {
  queueUrl: string;
  /** Created on first use when omitted (the SDK is loaded only by processes that enqueue). */
  client?: SQSClient;
  /** Endpoint of an SQS-compatible server other than AWS's (emulators, tests). */
  endpoint?: string;
  /**
   * How long an enqueue waits for others to share its SendMessageBatch. A web node answers
   * the inbox POST only after SQS has the message, so this adds to that response, not more.
   */
  lingerMs?: number;
}

/** SendMessageBatch takes at most 10 entries of at most 256 KiB together (SQS quotas). */
export const SQS_BATCH_ENTRIES = 10;
export const SQS_BATCH_BYTES = 256 * 1024;
/** SQS delays a message by 15 minutes at most. */
const MAX_DELAY_SECONDS = 900;

interface Pending {
  body: string;
  delaySeconds: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * A message did not reach SQS: SQS refused the entry, or could not be reached at all (`cause`).
 * The inbox answers 503 and the sender retries later.
 */
export class SqsEnqueueError extends Error {
  override readonly name = 'SqsEnqueueError';
  readonly code = 'SQS_ENQUEUE_FAILED';
}

/**
 * Fedify's inbox queue on SQS, for the activityProcessor Lambda (an SQS event source mapping
 * consumes it; nothing here listens). Each message's body is Fedify's own message as JSON,
 * exactly what the Redis queue hands its handler. Concurrent enqueues are sent together with
 * SendMessageBatch: up to 10 entries, or what arrived within `lingerMs` of the first.
 *
 * `nativeRetrial`: Fedify lets a failing handler throw; the Lambda reports that record in
 * `batchItemFailures`, SQS redelivers it after the visibility timeout and, after
 * `maxReceiveCount` receives, moves it to the dead-letter queue.
 *
 * A standard queue has no ordering: the Redis queue's per-actor ordering key is not kept
 * (see docs/deployment.md); the Lambda keeps one actor's activities of a batch in order.
 */
export class SqsMessageQueue implements MessageQueue {
  readonly nativeRetrial = true;
  readonly queueUrl: string;
  private client: Promise<SQSClient> | undefined;
  private readonly endpoint: string | undefined;
  private readonly lingerMs: number;
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(options: SqsMessageQueueOptions) {
    this.queueUrl = options.queueUrl;
    this.client = options.client ? Promise.resolve(options.client) : undefined;
    this.endpoint = options.endpoint;
    this.lingerMs = options.lingerMs ?? 5;
  }

  enqueue(message: unknown, options?: MessageQueueEnqueueOptions): Promise<void> {
    return this.enqueueMany([message], options);
  }

  async enqueueMany(
    messages: readonly unknown[],
    options?: MessageQueueEnqueueOptions,
  ): Promise<void> {
    const delaySeconds = options?.delay
      ? Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil(durationMs(options.delay) / 1_000)))
      : 0;
    const sent = messages.map(
      (message) =>
        new Promise<void>((resolve, reject) => {
          this.pending.push({ body: JSON.stringify(message), delaySeconds, resolve, reject });
        }),
    );
    if (this.pending.length >= SQS_BATCH_ENTRIES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.lingerMs);
    await Promise.all(sent);
  }

  /** The Lambda's event source mapping consumes this queue; a process that listens is a bug. */
  listen(): Promise<void> {
    return Promise.reject(
      new Error('the SQS inbound queue is consumed by the activityProcessor Lambda, not listen()'),
    );
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const all = this.pending;
    this.pending = [];
    for (const batch of batches(all)) void this.send(batch);
  }

  private async send(batch: Pending[]): Promise<void> {
    try {
      const [client, { SendMessageBatchCommand }] = await Promise.all([
        this.sqs(),
        import('@aws-sdk/client-sqs'),
      ]);
      const entries: SendMessageBatchRequestEntry[] = batch.map((item, index) => ({
        Id: String(index),
        MessageBody: item.body,
        ...(item.delaySeconds > 0 ? { DelaySeconds: item.delaySeconds } : {}),
      }));
      const result = await client.send(
        new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }),
      );
      const failed = new Map((result.Failed ?? []).map((entry) => [entry.Id, entry]));
      batch.forEach((item, index) => {
        const failure = failed.get(String(index));
        if (!failure) return item.resolve();
        item.reject(
          new SqsEnqueueError(`SQS refused the message: ${failure.Code}: ${failure.Message ?? ''}`),
        );
      });
    } catch (error) {
      const failure = new SqsEnqueueError(
        `SQS did not take the batch: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
      for (const item of batch) item.reject(failure);
    }
  }

  private sqs(): Promise<SQSClient> {
    this.client ??= import('@aws-sdk/client-sqs').then(
      ({ SQSClient }) =>
        new SQSClient({
          ...(this.endpoint ? { endpoint: this.endpoint } : {}),
          ...regionOf(this.queueUrl),
        }),
    );
    return this.client;
  }
}

/** Groups of at most 10 entries and 256 KiB; a larger single message goes alone (and fails). */
function* batches(items: Pending[]): Generator<Pending[]> {
  let batch: Pending[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = Buffer.byteLength(item.body);
    if (
      batch.length > 0 &&
      (batch.length === SQS_BATCH_ENTRIES || bytes + size > SQS_BATCH_BYTES)
    ) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(item);
    bytes += size;
  }
  if (batch.length > 0) yield batch;
}

/** `https://sqs.eu-west-1.amazonaws.com/…` names its region; elsewhere the SDK's chain decides. */
function regionOf(queueUrl: string): { region?: string } {
  const match = /^sqs\.([a-z0-9-]+)\.amazonaws\.com/.exec(new URL(queueUrl).host);
  return match?.[1] ? { region: match[1] } : {};
}

import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/** One dead letter as operators see it: which activity, from whom, how often it was tried. */
export interface DeadLetter {
  messageId: string;
  receiveCount: number;
  sentAt: string;
  activityType: string;
  activityId: string;
  actor: string;
}

/** Summarises a dead letter's body (Fedify's inbox message) without trusting it to be one. */
export function describeDeadLetter(message: Message): DeadLetter {
  let activity: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(message.Body ?? '') as { activity?: unknown };
    if (typeof parsed.activity === 'object' && parsed.activity !== null) {
      activity = parsed.activity as Record<string, unknown>;
    }
  } catch {
    // Not JSON: listed as unparseable.
  }
  const text = (value: unknown) =>
    typeof value === 'string'
      ? value
      : typeof value === 'object' &&
          value !== null &&
          typeof (value as { id?: unknown }).id === 'string'
        ? (value as { id: string }).id
        : '(none)';
  const sent = Number(message.Attributes?.SentTimestamp);
  return {
    messageId: message.MessageId ?? '',
    receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 0),
    sentAt: Number.isFinite(sent) ? new Date(sent).toISOString() : '(unknown)',
    activityType: Object.keys(activity).length === 0 ? '(unparseable)' : text(activity['type']),
    activityId: text(activity['id']),
    actor: text(activity['actor']),
  };
}

export interface DeadLetterQueue {
  client: SQSClient;
  /** The dead-letter queue's URL. */
  url: string;
  /** How long received messages stay hidden while this tool holds them. */
  holdSeconds?: number;
}

/** Approximate count of waiting dead letters (SQS's own figure). */
export async function countDeadLetters({ client, url }: DeadLetterQueue): Promise<number> {
  const { Attributes } = await client.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages'],
    }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
}

/**
 * Receives up to `max` dead letters, ten at a time, and hands each batch to `handle`, which
 * answers the messages it is done with (deleted from the dead-letter queue). The others are made
 * visible again at once, so listing or a dry run leaves the queue as it was.
 */
export async function eachDeadLetterBatch(
  queue: DeadLetterQueue,
  max: number,
  handle: (batch: Message[]) => Promise<Message[]>,
): Promise<number> {
  let seen = 0;
  const held: Message[] = [];
  try {
    while (seen < max) {
      const { Messages = [] } = await queue.client.send(
        new ReceiveMessageCommand({
          QueueUrl: queue.url,
          MaxNumberOfMessages: Math.min(10, max - seen),
          VisibilityTimeout: queue.holdSeconds ?? 60,
          WaitTimeSeconds: 1,
          MessageSystemAttributeNames: ['All'],
        }),
      );
      if (Messages.length === 0) break;
      seen += Messages.length;
      const done = new Set(await handle(Messages));
      const finished = Messages.filter((message) => done.has(message));
      if (finished.length > 0) {
        await queue.client.send(
          new DeleteMessageBatchCommand({
            QueueUrl: queue.url,
            Entries: finished.map((message, index) => ({
              Id: String(index),
              ReceiptHandle: message.ReceiptHandle,
            })),
          }),
        );
      }
      held.push(...Messages.filter((message) => !done.has(message)));
    }
  } finally {
    await release(queue, held);
  }
  return seen;
}

async function release(queue: DeadLetterQueue, messages: Message[]): Promise<void> {
  for (let start = 0; start < messages.length; start += 10) {
    const batch = messages.slice(start, start + 10);
    await queue.client.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queue.url,
        Entries: batch.map((message, index) => ({
          Id: String(index),
          ReceiptHandle: message.ReceiptHandle,
          VisibilityTimeout: 0,
        })),
      }),
    );
  }
}

/** Sends the batch to `targetUrl` as it was; answers the messages SQS accepted. */
export async function sendBack(
  client: SQSClient,
  targetUrl: string,
  batch: Message[],
): Promise<Message[]> {
  const { Successful = [] } = await client.send(
    new SendMessageBatchCommand({
      QueueUrl: targetUrl,
      Entries: batch.map((message, index) => ({
        Id: String(index),
        MessageBody: message.Body ?? '',
      })),
    }),
  );
  const accepted = new Set(Successful.map((entry) => entry.Id));
  return batch.filter((_message, index) => accepted.has(String(index)));
}

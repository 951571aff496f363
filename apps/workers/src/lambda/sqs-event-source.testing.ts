import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

/**
 * What Lambda's SQS event source mapping does, for tests: receive up to 10 messages, invoke the
 * function with the documented `SQSEvent` shape and delete every message the partial batch
 * response does not list (all of them if the function throws: none is deleted).
 */
export class SqsEventSource {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    private readonly queueArn = 'arn:aws:sqs:eu-west-1:000000000000:activity-processor',
  ) {}

  async receive(max = 10): Promise<SQSEvent> {
    const { Messages = [] } = await this.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: max,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    return { Records: Messages.map((message) => this.record(message)) };
  }

  /** Deletes what the function handled: the batch less its reported failures. */
  async settle(event: SQSEvent, response: SQSBatchResponse | void): Promise<void> {
    const failed = new Set(response?.batchItemFailures.map((failure) => failure.itemIdentifier));
    const done = event.Records.filter((record) => !failed.has(record.messageId));
    if (done.length === 0) return;
    await this.client.send(
      new DeleteMessageBatchCommand({
        QueueUrl: this.queueUrl,
        Entries: done.map((record, index) => ({
          Id: String(index),
          ReceiptHandle: record.receiptHandle,
        })),
      }),
    );
  }

  private record(message: Message): SQSRecord {
    const attributes = message.Attributes ?? {};
    return {
      messageId: message.MessageId ?? '',
      receiptHandle: message.ReceiptHandle ?? '',
      body: message.Body ?? '',
      attributes: {
        ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
        SentTimestamp: attributes.SentTimestamp ?? '0',
        SenderId: attributes.SenderId ?? '',
        ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? '0',
      },
      messageAttributes: {},
      md5OfBody: message.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: this.queueArn,
      awsRegion: this.queueArn.split(':')[3] ?? 'eu-west-1',
    };
  }
}

import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A message as the test server holds it. */
export interface SqsTestMessage {
  readonly messageId: string;
  readonly body: string;
  readonly sentAt: number;
  receiveCount: number;
  visibleAt: number;
  receiptHandle: string | undefined;
}

export interface SqsTestQueueOptions {
  /** Receives after which a message moves to `deadLetterQueue` (SQS's redrive policy). */
  maxReceiveCount?: number;
  deadLetterQueue?: string;
  /** Seconds a received message stays invisible unless the receive says otherwise. */
  visibilityTimeoutSeconds?: number;
}

interface Queue extends SqsTestQueueOptions {
  readonly name: string;
  messages: SqsTestMessage[];
}

type Json = Record<string, unknown>;

class SqsFault extends Error {
  constructor(
    readonly type: string,
    readonly queryError: string,
    message: string,
  ) {
    super(message);
  }
}

const ACCOUNT = '000000000000';

/**
 * An SQS-compatible server on loopback for the AWS SDK's own requests: the AWS JSON 1.0 protocol
 * (`X-Amz-Target: AmazonSQS.<Action>`) as AWS documents it, for the actions FediFlow uses —
 * SendMessage(Batch), ReceiveMessage, DeleteMessage(Batch), ChangeMessageVisibility(Batch) and
 * GetQueueAttributes — with visibility timeouts, receive counts and a redrive policy moving a
 * message to its dead-letter queue after `maxReceiveCount` receives. Bodies carry the MD5 digests
 * the SDK verifies. Every request is recorded (`requests`).
 */
export class SqsTestServer {
  readonly requests: { action: string; body: Json }[] = [];
  private readonly queues = new Map<string, Queue>();

  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
  ) {}

  static async start(): Promise<SqsTestServer> {
    const holder: { sqs?: SqsTestServer } = {};
    const server = createServer((request, response) => void holder.sqs?.handle(request, response));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    holder.sqs = new SqsTestServer(server, `http://127.0.0.1:${port}`);
    return holder.sqs;
  }

  /** Creates a queue and answers its URL. */
  createQueue(name: string, options: SqsTestQueueOptions = {}): string {
    this.queues.set(name, { name, messages: [], ...options });
    return this.urlOf(name);
  }

  urlOf(name: string): string {
    return `${this.endpoint}/${ACCOUNT}/${name}`;
  }

  /** Every message of the queue, visible or not. */
  messages(url: string): readonly SqsTestMessage[] {
    return this.queue(url).messages;
  }

  /** Makes every message of the queue visible again (as if their visibility timeout passed). */
  expireVisibility(url: string): void {
    for (const message of this.queue(url).messages) message.visibleAt = 0;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const target = String(request.headers['x-amz-target'] ?? '');
    const action = target.startsWith('AmazonSQS.') ? target.slice('AmazonSQS.'.length) : '';
    try {
      if (request.method !== 'POST' || !action) {
        throw new SqsFault(
          'InvalidAction',
          'InvalidAction;Sender',
          `unsupported request ${target}`,
        );
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Json;
      this.requests.push({ action, body });
      const result = this.dispatch(action, body);
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      response.end(JSON.stringify(result));
    } catch (error) {
      const fault =
        error instanceof SqsFault
          ? error
          : new SqsFault('InternalError', 'InternalError;Receiver', String(error));
      response.writeHead(400, {
        'content-type': 'application/x-amz-json-1.0',
        'x-amzn-query-error': fault.queryError,
      });
      response.end(
        JSON.stringify({ __type: `com.amazonaws.sqs#${fault.type}`, message: fault.message }),
      );
    }
  }

  private dispatch(action: string, body: Json): Json {
    const queue = this.queue(String(body['QueueUrl']));
    switch (action) {
      case 'SendMessage':
        return this.send(queue, body);
      case 'SendMessageBatch': {
        const entries = body['Entries'] as Json[];
        if (!Array.isArray(entries) || entries.length === 0 || entries.length > 10) {
          throw new SqsFault(
            'TooManyEntriesInBatchRequest',
            'AWS.SimpleQueueService.TooManyEntriesInBatchRequest;Sender',
            'a batch holds 1 to 10 entries',
          );
        }
        const total = entries.reduce(
          (sum, entry) => sum + Buffer.byteLength(String(entry['MessageBody'])),
          0,
        );
        if (total > 256 * 1024) {
          throw new SqsFault(
            'BatchRequestTooLong',
            'AWS.SimpleQueueService.BatchRequestTooLong;Sender',
            'the batch is longer than 262144 bytes',
          );
        }
        return {
          Successful: entries.map((entry) => ({ Id: entry['Id'], ...this.send(queue, entry) })),
          Failed: [],
        };
      }
      case 'ReceiveMessage':
        return { Messages: this.receive(queue, body) };
      case 'DeleteMessage':
        this.delete(queue, String(body['ReceiptHandle']));
        return {};
      case 'DeleteMessageBatch': {
        const entries = body['Entries'] as Json[];
        for (const entry of entries) this.delete(queue, String(entry['ReceiptHandle']));
        return { Successful: entries.map((entry) => ({ Id: entry['Id'] })), Failed: [] };
      }
      case 'ChangeMessageVisibility':
        this.changeVisibility(
          queue,
          String(body['ReceiptHandle']),
          Number(body['VisibilityTimeout']),
        );
        return {};
      case 'ChangeMessageVisibilityBatch': {
        const entries = body['Entries'] as Json[];
        for (const entry of entries)
          this.changeVisibility(
            queue,
            String(entry['ReceiptHandle']),
            Number(entry['VisibilityTimeout']),
          );
        return { Successful: entries.map((entry) => ({ Id: entry['Id'] })), Failed: [] };
      }
      case 'GetQueueAttributes': {
        const now = Date.now();
        const visible = queue.messages.filter((message) => message.visibleAt <= now).length;
        return {
          Attributes: {
            ApproximateNumberOfMessages: String(visible),
            ApproximateNumberOfMessagesNotVisible: String(queue.messages.length - visible),
          },
        };
      }
      default:
        throw new SqsFault('InvalidAction', 'InvalidAction;Sender', `unsupported action ${action}`);
    }
  }

  private send(queue: Queue, entry: Json): Json {
    const body = String(entry['MessageBody'] ?? '');
    const delaySeconds = Number(entry['DelaySeconds'] ?? 0);
    const message: SqsTestMessage = {
      messageId: randomUUID(),
      body,
      sentAt: Date.now(),
      receiveCount: 0,
      visibleAt: Date.now() + delaySeconds * 1_000,
      receiptHandle: undefined,
    };
    queue.messages.push(message);
    return { MessageId: message.messageId, MD5OfMessageBody: md5(body) };
  }

  private receive(queue: Queue, body: Json): Json[] {
    const max = Number(body['MaxNumberOfMessages'] ?? 1);
    const visibility = Number(body['VisibilityTimeout'] ?? queue.visibilityTimeoutSeconds ?? 30);
    const now = Date.now();
    const received: Json[] = [];
    for (const message of [...queue.messages]) {
      if (received.length >= max) break;
      if (message.visibleAt > now) continue;
      if (
        queue.maxReceiveCount !== undefined &&
        queue.deadLetterQueue !== undefined &&
        message.receiveCount >= queue.maxReceiveCount
      ) {
        // SQS moves it on the receive that would exceed maxReceiveCount.
        queue.messages.splice(queue.messages.indexOf(message), 1);
        this.queue(queue.deadLetterQueue).messages.push({ ...message, receiptHandle: undefined });
        continue;
      }
      message.receiveCount += 1;
      message.visibleAt = now + visibility * 1_000;
      message.receiptHandle = randomUUID();
      received.push({
        MessageId: message.messageId,
        ReceiptHandle: message.receiptHandle,
        MD5OfBody: md5(message.body),
        Body: message.body,
        Attributes: {
          ApproximateReceiveCount: String(message.receiveCount),
          SentTimestamp: String(message.sentAt),
          SenderId: ACCOUNT,
          ApproximateFirstReceiveTimestamp: String(now),
        },
      });
    }
    return received;
  }

  private changeVisibility(queue: Queue, receiptHandle: string, seconds: number): void {
    const message = queue.messages.find((candidate) => candidate.receiptHandle === receiptHandle);
    if (!message) {
      throw new SqsFault(
        'ReceiptHandleIsInvalid',
        'ReceiptHandleIsInvalid;Sender',
        `The input receipt handle "${receiptHandle}" is not a valid receipt handle.`,
      );
    }
    message.visibleAt = Date.now() + seconds * 1_000;
  }

  private delete(queue: Queue, receiptHandle: string): void {
    const index = queue.messages.findIndex((message) => message.receiptHandle === receiptHandle);
    // SQS answers success for a handle already deleted; so does this server.
    if (index >= 0) queue.messages.splice(index, 1);
  }

  private queue(urlOrName: string): Queue {
    const name = urlOrName.split('/').pop() ?? '';
    const queue = this.queues.get(name);
    if (!queue) {
      throw new SqsFault(
        'QueueDoesNotExist',
        'AWS.SimpleQueueService.NonExistentQueue;Sender',
        `The specified queue does not exist: ${urlOrName}`,
      );
    }
    return queue;
  }
}

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

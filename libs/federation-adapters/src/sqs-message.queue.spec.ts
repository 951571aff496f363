import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { SqsTestServer } from '@fediflow/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { duration } from './duration.testing';
import { SqsEnqueueError, SqsMessageQueue } from './sqs-message.queue';

// The AWS SDK's real requests and response parsing, against a server speaking SQS's JSON protocol.
describe('SqsMessageQueue', () => {
  let sqs: SqsTestServer;
  let client: SQSClient;

  beforeAll(async () => {
    sqs = await SqsTestServer.start();
    client = new SQSClient({
      region: 'eu-west-1',
      endpoint: sqs.endpoint,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
  });
  afterAll(async () => {
    client?.destroy();
    await sqs?.close();
  });

  function batchesSentTo(url: string): number[] {
    return sqs.requests
      .filter(
        (request) => request.action === 'SendMessageBatch' && request.body['QueueUrl'] === url,
      )
      .map((request) => (request.body['Entries'] as unknown[]).length);
  }

  it('sends concurrent enqueues together, 10 entries a SendMessageBatch, bodies as Fedify gave them', async () => {
    const url = sqs.createQueue('inbound-batching');
    const queue = new SqsMessageQueue({ queueUrl: url, client, lingerMs: 20 });
    const messages = Array.from({ length: 25 }, (_, n) => ({ type: 'inbox', id: `m${n}` }));

    await Promise.all(messages.map((message) => queue.enqueue(message)));

    expect(batchesSentTo(url).sort()).toEqual([10, 10, 5]);
    expect(sqs.messages(url).map((message) => JSON.parse(message.body) as unknown)).toEqual(
      expect.arrayContaining(messages),
    );
    expect(sqs.messages(url)).toHaveLength(25);
  });

  it('splits a batch that would pass 256 KiB and keeps each delay (at most 15 minutes)', async () => {
    const url = sqs.createQueue('inbound-large');
    const queue = new SqsMessageQueue({ queueUrl: url, client, lingerMs: 20 });
    const big = 'x'.repeat(100 * 1024);
    await Promise.all([
      queue.enqueueMany([{ big }, { big }, { big }]),
      queue.enqueue({ later: true }, { delay: duration({ hours: 1 }) }),
    ]);
    expect(batchesSentTo(url)).toEqual([2, 2]);
    const delays = sqs.requests
      .filter((request) => request.body['QueueUrl'] === url)
      .flatMap((request) => request.body['Entries'] as { DelaySeconds?: number }[])
      .map((entry) => entry.DelaySeconds ?? 0);
    expect(delays.sort((a, b) => a - b)).toEqual([0, 0, 0, 900]);
  });

  it("rejects every enqueue of a batch SQS refused, with SQS's reason", async () => {
    const queue = new SqsMessageQueue({ queueUrl: sqs.urlOf('no-such-queue'), client });
    const results = await Promise.allSettled([queue.enqueue({ a: 1 }), queue.enqueue({ b: 2 })]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    const reason = (results[0] as PromiseRejectedResult).reason as Error;
    expect(reason).toBeInstanceOf(SqsEnqueueError);
    expect(reason.message).toMatch(/SQS did not take the batch: .*does not exist/);
  });

  it('refuses to listen: the Lambda consumes the queue', async () => {
    const queue = new SqsMessageQueue({ queueUrl: sqs.urlOf('x'), client });
    await expect(queue.listen()).rejects.toThrow(/activityProcessor Lambda/);
  });
});

// The producer's requests as the SDK's command inputs (aws-sdk-client-mock: no network at all).
describe('SqsMessageQueue requests', () => {
  const url = 'https://sqs.eu-west-1.amazonaws.com/123456789012/fediflow-activities';
  // Mocking one client instance leaves the SDK of the suite above untouched.
  const client = new SQSClient({ region: 'eu-west-1' });
  const sqs = mockClient(client);
  afterEach(() => sqs.reset());

  it('sends one SendMessageBatch with an entry per message: id, body as JSON, delay in seconds', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const queue = new SqsMessageQueue({ queueUrl: url, client, lingerMs: 5 });
    await Promise.all([
      queue.enqueue({ type: 'inbox', id: 'a' }),
      queue.enqueue({ type: 'inbox', id: 'b' }, { delay: duration({ seconds: 30 }) }),
    ]);
    const calls = sqs.commandCalls(SendMessageBatchCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({
      QueueUrl: url,
      Entries: [
        { Id: '0', MessageBody: JSON.stringify({ type: 'inbox', id: 'a' }) },
        { Id: '1', MessageBody: JSON.stringify({ type: 'inbox', id: 'b' }), DelaySeconds: 30 },
      ],
    });
  });

  it('reports entries SQS failed one by one', async () => {
    sqs.on(SendMessageBatchCommand).resolves({
      Successful: [{ Id: '0', MessageId: 'm0', MD5OfMessageBody: '' }],
      Failed: [{ Id: '1', SenderFault: true, Code: 'InvalidMessageContents', Message: 'bad' }],
    });
    const queue = new SqsMessageQueue({ queueUrl: url, client, lingerMs: 5 });
    const [first, second] = await Promise.allSettled([
      queue.enqueue({ a: 1 }),
      queue.enqueue({ b: 2 }),
    ]);
    expect(first.status).toBe('fulfilled');
    expect(second.status).toBe('rejected');
    const reason = (second as PromiseRejectedResult).reason as Error;
    expect(reason).toBeInstanceOf(SqsEnqueueError);
    expect(reason.message).toMatch(/InvalidMessageContents: bad/);
  });

  it('rejects every enqueue of the batch when the request fails (e.g. throttled)', async () => {
    sqs.on(SendMessageBatchCommand).rejects(new Error('Rate exceeded'));
    const queue = new SqsMessageQueue({ queueUrl: url, client, lingerMs: 5 });
    const results = await Promise.allSettled([queue.enqueue({ a: 1 }), queue.enqueue({ b: 2 })]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason).toBeInstanceOf(SqsEnqueueError);
  });
});

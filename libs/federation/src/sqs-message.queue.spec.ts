import { SQSClient } from '@aws-sdk/client-sqs';
import { SqsTestServer } from '@fediflow/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  it('reports entries SQS failed one by one', async () => {
    const url = sqs.createQueue('inbound-partial');
    const failing = {
      send: async () => ({
        Successful: [{ Id: '0', MessageId: 'a', MD5OfMessageBody: '' }],
        Failed: [{ Id: '1', SenderFault: true, Code: 'InvalidMessageContents', Message: 'bad' }],
      }),
    } as unknown as SQSClient;
    const queue = new SqsMessageQueue({ queueUrl: url, client: failing, lingerMs: 20 });
    const [first, second] = await Promise.allSettled([
      queue.enqueue({ a: 1 }),
      queue.enqueue({ b: 2 }),
    ]);
    expect(first.status).toBe('fulfilled');
    expect(second.status).toBe('rejected');
    expect((second as PromiseRejectedResult).reason).toBeInstanceOf(SqsEnqueueError);
  });

  it('refuses to listen: the Lambda consumes the queue', async () => {
    const queue = new SqsMessageQueue({ queueUrl: sqs.urlOf('x'), client });
    await expect(queue.listen()).rejects.toThrow(/activityProcessor Lambda/);
  });
});

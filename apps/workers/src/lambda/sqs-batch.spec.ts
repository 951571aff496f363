import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handleSqsBatch, type SqsBatchDeps } from './sqs-batch';

function record(id: string, body: unknown): SQSRecord {
  return {
    messageId: id,
    receiptHandle: `handle-${id}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1545082649183',
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: '1545082649185',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-2:123456789012:my-queue',
    awsRegion: 'us-east-2',
  };
}

const inbox = (actor: string, n: number) => ({
  type: 'inbox',
  id: `m-${actor}-${n}`,
  activity: { id: `${actor}/activities/${n}`, actor },
});

function deps(overrides: Partial<SqsBatchDeps> = {}): SqsBatchDeps & { handled: string[] } {
  const handled: string[] = [];
  return {
    handled,
    process: async (message) => {
      handled.push((message as { id: string }).id);
    },
    remainingMs: () => 30_000,
    reserveMs: 10_000,
    logger: { warn: () => undefined, error: () => undefined },
    ...overrides,
  };
}

describe('handleSqsBatch', () => {
  it('reports bodies that are not queued Fedify inbox messages, and nothing else', async () => {
    const records = [
      record('1', inbox('a', 1)),
      record('2', 'not json'),
      record('3', { type: 'outbox' }),
      record('4', inbox('b', 1)),
    ];
    const d = deps();
    expect(await handleSqsBatch(records, d)).toEqual({
      batchItemFailures: [{ itemIdentifier: '2' }, { itemIdentifier: '3' }],
    });
    expect(d.handled.sort()).toEqual(['m-a-1', 'm-b-1']);
  });

  it("keeps one actor's order: after a failure, that actor's later records are handed back too", async () => {
    const records = [
      record('1', inbox('a', 1)),
      record('2', inbox('a', 2)),
      record('3', inbox('b', 1)),
    ];
    const d = deps({
      process: async (message) => {
        if ((message as { id: string }).id === 'm-a-1') throw new Error('remote down');
        d.handled.push((message as { id: string }).id);
      },
    });
    expect((await handleSqsBatch(records, d)).batchItemFailures).toEqual([
      { itemIdentifier: '1' },
      { itemIdentifier: '2' },
    ]);
    expect(d.handled).toEqual(['m-b-1']);
  });

  it('starts no record with less than the reserve left', async () => {
    const d = deps({ remainingMs: () => 9_999 });
    const records = [record('1', inbox('a', 1)), record('2', inbox('b', 1))];
    expect((await handleSqsBatch(records, d)).batchItemFailures).toHaveLength(2);
    expect(d.handled).toEqual([]);
  });
});

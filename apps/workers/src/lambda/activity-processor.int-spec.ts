import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { loadConfig } from '@fediflow/config';
import { FederationRuntime } from '@fediflow/federation';
import { RemoteServer } from '@fediflow/federation/testing';
import { SqsTestServer, type IsolatedInfrastructure, TEST_ORIGIN } from '@fediflow/testing';
import { migratedDatabase, type MigratedDatabase } from '@fediflow/testing/fixtures';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createActivityProcessor, RESERVE_MS, type ActivityProcessor } from './activity-processor';
import { SqsEventSource } from './sqs-event-source.testing';

const LAMBDA_TIMEOUT_MS = 30_000;
const plenty = { getRemainingTimeInMillis: () => LAMBDA_TIMEOUT_MS };

/**
 * The activityProcessor end to end: the federation service verifies signed inbox POSTs and
 * queues them on SQS (the AWS SDK against an SQS-protocol server), the event source mapping's
 * receive/invoke/delete cycle hands them to the handler, which applies them to real PostgreSQL
 * and Redis through the workers' Fedify federation.
 */
describe('activityProcessor Lambda on SQS batches', () => {
  let infra: IsolatedInfrastructure;
  let db: DataSource;
  let database: MigratedDatabase;
  let sqs: SqsTestServer;
  let client: SQSClient;
  let remote: RemoteServer;
  let web: FederationRuntime;
  let processor: ActivityProcessor;
  let queueUrl: string;
  let dlqUrl: string;
  let source: SqsEventSource;
  let posts = 0;

  beforeAll(async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    database = await migratedDatabase('lambda-activity');
    ({ infra, db } = database);
    await db.query(`INSERT INTO accounts (username) VALUES ('alice')`);
    sqs = await SqsTestServer.start();
    dlqUrl = sqs.createQueue('activity-processor-dlq');
    queueUrl = sqs.createQueue('activity-processor', {
      maxReceiveCount: 3,
      deadLetterQueue: 'activity-processor-dlq',
    });
    client = new SQSClient({ endpoint: sqs.endpoint });
    source = new SqsEventSource(client, queueUrl);
    remote = await RemoteServer.start();
    const env = {
      PUBLIC_ORIGIN: TEST_ORIGIN,
      LOG_LEVEL: 'silent',
      INBOUND_QUEUE: 'sqs',
      INBOUND_QUEUE_URL: queueUrl,
      SQS_ENDPOINT_URL: sqs.endpoint,
      ...infra.env,
    };
    web = new FederationRuntime(loadConfig('federation', env), db);
    processor = await createActivityProcessor({ env });
  });
  afterAll(async () => {
    await processor?.close();
    await web?.onApplicationShutdown();
    client?.destroy();
    await sqs?.close();
    await remote?.close();
    await database?.release();
    vi.unstubAllEnvs();
  });

  /** Bob mentions alice in a new post, signed and POSTed to the shared inbox (202: queued). */
  async function postMention(): Promise<string> {
    posts += 1;
    const note = `${remote.origin}/notes/${posts}`;
    const create = {
      '@context': 'https://www.w3.org/ns/activitystreams',
      id: `${note}/activity`,
      type: 'Create',
      actor: remote.actorId.href,
      to: [`${TEST_ORIGIN}/users/alice`],
      object: {
        id: note,
        type: 'Note',
        attributedTo: remote.actorId.href,
        to: [`${TEST_ORIGIN}/users/alice`],
        content: `<p>@alice number ${posts}</p>`,
        tag: [{ type: 'Mention', href: `${TEST_ORIGIN}/users/alice`, name: '@alice' }],
      },
    };
    const response = await web.federation.fetch(await remote.post(`${TEST_ORIGIN}/inbox`, create), {
      contextData: undefined,
    });
    expect(response.status).toBe(202);
    return note;
  }

  async function stored(): Promise<{ statuses: string[]; notifications: number }> {
    const rows = (await db.query(`SELECT uri FROM statuses ORDER BY uri`)) as { uri: string }[];
    const [count] = (await db.query(`SELECT count(*)::int AS n FROM notifications`)) as {
      n: number;
    }[];
    return { statuses: rows.map((row) => row.uri), notifications: count?.n ?? 0 };
  }

  it('applies 9 activities of a batch of 10 and reports only the poison message', async () => {
    const notes: string[] = [];
    for (let n = 0; n < 9; n += 1) notes.push(await postMention());
    const poison = await client.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"type":"inbox", broken' }),
    );
    const batches = sqs.requests.filter((request) => request.action === 'SendMessageBatch');
    expect(batches.length).toBeGreaterThan(0);

    const event = await source.receive();
    expect(event.Records).toHaveLength(10);
    const response = await processor.handle(event, plenty);
    await source.settle(event, response);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: poison.MessageId }]);
    expect((await stored()).statuses).toEqual(notes.sort());
    expect((await stored()).notifications).toBe(9);
    // Only the poison message is left for SQS to redeliver.
    expect(sqs.messages(queueUrl).map((message) => message.messageId)).toEqual([poison.MessageId]);
  });

  it('changes nothing when the whole batch is delivered again (idempotent by activity id)', async () => {
    const before = await stored();
    for (let n = 0; n < 3; n += 1) await postMention();
    const event = await source.receive();
    const first = await processor.handle(event, plenty);
    expect(first.batchItemFailures).toEqual([]);
    const afterFirst = await stored();
    expect(afterFirst.statuses).toHaveLength(before.statuses.length + 3);

    // As after a function timeout: none was deleted, every record arrives again.
    const again = await processor.handle(event, plenty);
    expect(again.batchItemFailures).toEqual([]);
    expect(await stored()).toEqual(afterFirst);
    await source.settle(event, again);
  });

  it('moves the poison message to the dead-letter queue after maxReceiveCount receives', async () => {
    for (let receive = 0; receive < 3; receive += 1) {
      sqs.expireVisibility(queueUrl);
      const event = await source.receive();
      const response = await processor.handle(event, plenty);
      await source.settle(event, response);
    }
    sqs.expireVisibility(queueUrl);
    expect((await source.receive()).Records).toEqual([]);
    expect(sqs.messages(dlqUrl).map((message) => message.body)).toEqual([
      '{"type":"inbox", broken',
    ]);
  });

  it('near the 30 s limit, hands back the records it has not started and half-applies none', async () => {
    const before = await stored();
    const notes: string[] = [];
    for (let n = 0; n < 4; n += 1) notes.push(await postMention());
    const event = await source.receive();
    expect(event.Records).toHaveLength(4);
    // Two records fit in the time left; then less than the reserve remains.
    let checks = 0;
    const closeToTimeout = {
      getRemainingTimeInMillis: () => (++checks <= 2 ? 15_000 : RESERVE_MS - 1),
    };
    const response = await processor.handle(event, closeToTimeout);
    await source.settle(event, response);

    const handedBack = response.batchItemFailures.map((failure) => failure.itemIdentifier);
    expect(handedBack).toEqual(event.Records.slice(2).map((record) => record.messageId));
    const afterCut = await stored();
    expect(afterCut.statuses).toEqual([...before.statuses, ...notes.slice(0, 2)].sort());
    expect(afterCut.notifications).toBe(before.notifications + 2);

    // The next invocation picks them up; the total is exactly one of each.
    sqs.expireVisibility(queueUrl);
    const retry = await source.receive();
    expect((await processor.handle(retry, plenty)).batchItemFailures).toEqual([]);
    expect((await stored()).statuses).toEqual([...before.statuses, ...notes].sort());
    expect((await stored()).notifications).toBe(before.notifications + 4);
  });
});

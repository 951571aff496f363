import { RemoteServer } from '@fediflow/federation/testing';
import { freePort, SqsTestServer, TEST_ORIGIN } from '@fediflow/testing';
import { localMember, migratedDatabase, type MigratedDatabase } from '@fediflow/testing/fixtures';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  startFederationService,
  type FederationInstance,
} from '../testing/federation-harness.testing';

/**
 * INBOUND_QUEUE=sqs: the federation service queues verified inbox POSTs (Fedify's path and the
 * signed fast path) on SQS for the activityProcessor Lambda, through the AWS SDK against a server
 * speaking SQS's JSON protocol; nothing lands on the workers' Redis queue.
 */
describe('inbound activities queued on SQS', () => {
  let env: MigratedDatabase;
  let sqs: SqsTestServer;
  let service: FederationInstance;
  let remote: RemoteServer;
  let queueUrl: string;
  let sequence = 0;

  const follow = () => ({
    '@context': 'https://www.w3.org/ns/activitystreams',
    id: `${remote.origin}/follows/sqs-${++sequence}`,
    type: 'Follow',
    actor: remote.actorId.href,
    object: `${TEST_ORIGIN}/users/alice`,
  });

  beforeAll(async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    env = await migratedDatabase('federation-sqs-inbound');
    await localMember(env.db, { username: 'alice' });
    sqs = await SqsTestServer.start();
    queueUrl = sqs.createQueue('activity-processor');
    service = await startFederationService(env.infra, {
      INBOUND_QUEUE: 'sqs',
      INBOUND_QUEUE_URL: queueUrl,
      SQS_ENDPOINT_URL: sqs.endpoint,
    });
    remote = await RemoteServer.start();
  });
  afterAll(async () => {
    await remote?.close();
    await service?.close();
    await sqs?.close();
    await env?.release();
    vi.unstubAllEnvs();
  });

  it('queues Fedify’s inbox message on SQS, by Fedify and by the fast path, not on Redis', async () => {
    const activities = [follow(), follow(), follow(), follow()];
    // The first goes through Fedify (which fetches bob's key), the others take the fast path.
    for (const activity of activities) {
      const response = await fetch(await remote.post(`${service.base}/inbox`, activity));
      expect(response.status).toBe(202);
    }
    const queued = sqs
      .messages(queueUrl)
      .map((message) => JSON.parse(message.body) as Record<string, unknown>);
    expect(queued.map((message) => (message['activity'] as { id?: string }).id).sort()).toEqual(
      activities.map((activity) => activity.id).sort(),
    );
    for (const message of queued) {
      expect(message).toMatchObject({ type: 'inbox', attempt: 0 });
    }
    const redis = await service.runtime.queue.stats();
    expect(redis.ready + redis.delayed + redis.inFlight).toBe(0);
  });
});

describe('inbound activities with SQS unreachable', () => {
  let env: MigratedDatabase;
  let service: FederationInstance;
  let remote: RemoteServer;

  beforeAll(async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'test');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test');
    vi.stubEnv('AWS_REGION', 'eu-west-1');
    env = await migratedDatabase('federation-sqs-down');
    await localMember(env.db, { username: 'alice' });
    const closed = `http://127.0.0.1:${await freePort()}`;
    service = await startFederationService(env.infra, {
      INBOUND_QUEUE: 'sqs',
      INBOUND_QUEUE_URL: `${closed}/000000000000/activity-processor`,
      SQS_ENDPOINT_URL: closed,
    });
    remote = await RemoteServer.start();
  });
  afterAll(async () => {
    await remote?.close();
    await service?.close();
    await env?.release();
    vi.unstubAllEnvs();
  });

  it('answers the inbox POST 503 with Retry-After, quickly, and keeps serving', async () => {
    const started = Date.now();
    const response = await fetch(
      await remote.post(`${service.base}/inbox`, {
        '@context': 'https://www.w3.org/ns/activitystreams',
        id: `${remote.origin}/follows/lost`,
        type: 'Follow',
        actor: remote.actorId.href,
        object: `${TEST_ORIGIN}/users/alice`,
      }),
    );
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('30');
    expect(await response.json()).toEqual({
      error: 'The inbound queue is unavailable; retry later',
    });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await fetch(`${service.base}/health`)).status).toBe(200);
  });
});

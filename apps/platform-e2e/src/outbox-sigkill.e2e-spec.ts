import {
  freePort,
  isolatedInfrastructure,
  registerApp,
  registerMember,
  runBundle,
  startService,
  startTcpProxy,
  waitFor,
  type IsolatedInfrastructure,
  type RunningService,
  type TcpProxy,
} from '@fediflow/testing';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ORIGIN = 'http://fediflow.test';

/** A fediverse server reduced to its shared inbox: records every POST it gets. */
async function recordingInbox(): Promise<{ origin: string; bodies: string[]; server: Server }> {
  const bodies: string[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method === 'POST') bodies.push(Buffer.concat(chunks).toString('utf8'));
      response.writeHead(202).end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, bodies, server };
}

/**
 * The transactional outbox under the failure it exists for: the API dies after a post's
 * transaction committed and before its delivery reached the queue (its Redis is cut, so nothing
 * can be enqueued, and it is SIGKILLed once the post is acknowledged). Another API process relays
 * the recorded delivery and the workers deliver it — once per recipient server.
 */
describe('a post acknowledged by an API killed before it enqueued the delivery', () => {
  let infra: IsolatedInfrastructure;
  let redisProxy: TcpProxy;
  let db: Client;
  let env: Record<string, string>;
  const running: RunningService[] = [];
  const inboxes: Awaited<ReturnType<typeof recordingInbox>>[] = [];

  beforeAll(async () => {
    infra = await isolatedInfrastructure('e2e-outbox-sigkill');
    const redisUrl = new URL(infra.redisUrl);
    redisProxy = await startTcpProxy({
      host: redisUrl.hostname,
      port: Number(redisUrl.port || 6379),
    });
    env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      PUBLIC_ORIGIN: ORIGIN,
      DATABASE_URL: infra.database.url,
      REDIS_URL: infra.redisUrl,
      REDIS_KEY_PREFIX: infra.redis.prefix,
      REGISTRATIONS_OPEN: 'true',
      RATE_LIMIT_ENABLED: 'false',
      MONITORING_ENABLED: 'false',
      FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true',
    };
    const migration = await runBundle('api', 'migrate.js', env);
    expect(migration.status.code, migration.output.join('\n')).toBe(0);
    db = new Client({ connectionString: infra.database.url });
    await db.connect();
    inboxes.push(await recordingInbox(), await recordingInbox());
  });
  afterAll(async () => {
    await Promise.all(running.map((service) => service.process.stop('SIGKILL')));
    await Promise.all(inboxes.map(({ server }) => new Promise((done) => server.close(done))));
    await redisProxy?.close();
    await db?.end();
    await infra?.release();
  });

  const start = async (name: 'api' | 'workers', overrides: Record<string, string> = {}) => {
    const service = await startService(
      name,
      { ...env, ...overrides },
      { port: await freePort(), metricsPort: await freePort() },
    );
    running.push(service);
    return service;
  };

  /** Two followers on the first server (one shared inbox between them), one on the second. */
  async function addRemoteFollowers(aliceId: string): Promise<void> {
    const followers = [
      [inboxes[0]!.origin, 'f1'],
      [inboxes[0]!.origin, 'f2'],
      [inboxes[1]!.origin, 'f3'],
    ] as const;
    for (const [origin, name] of followers) {
      const { rows } = await db.query<{ id: string }>(
        `INSERT INTO accounts (username, domain, uri, inbox_url, shared_inbox_url)
         VALUES ($1, $2, $3, $4, $5) RETURNING id::text AS id`,
        [
          name,
          new URL(origin).host,
          `${origin}/users/${name}`,
          `${origin}/users/${name}/inbox`,
          `${origin}/inbox`,
        ],
      );
      await db.query(`INSERT INTO follows (account_id, target_account_id) VALUES ($1, $2)`, [
        rows[0]!.id,
        aliceId,
      ]);
    }
  }

  it('is delivered after all, once per recipient server', async () => {
    const doomed = await start('api', { REDIS_URL: `redis://127.0.0.1:${redisProxy.port}` });
    const alice = await registerMember(doomed.base, await registerApp(doomed.base), 'alice');
    await addRemoteFollowers(alice.accountId);

    // Nothing can reach the queue from now on; the post itself only needs PostgreSQL.
    redisProxy.cut();
    await sleep(200);
    const posted = await alice.client.post<{ id: string }>('/api/v1/statuses', {
      status: 'posted just before the crash',
      visibility: 'public',
    });
    expect(posted.status).toBe(200);
    expect((await db.query(`SELECT id FROM federation_outbox`)).rowCount).toBe(1);
    expect((await doomed.process.stop('SIGKILL')).signal).toBe('SIGKILL');
    expect(inboxes.map(({ bodies }) => bodies.length)).toEqual([0, 0]);

    // Another API relays what the dead one recorded; the workers deliver it.
    await start('api');
    await start('workers');
    const activityId = `${ORIGIN}/users/alice/statuses/${posted.body.id}/activity`;
    const creates = (bodies: string[]) =>
      bodies.filter((body) => (JSON.parse(body) as { id?: string }).id === activityId);
    await waitFor(
      'the Create on both servers',
      async () => (inboxes.every(({ bodies }) => creates(bodies).length > 0) ? true : undefined),
      { timeoutMs: 60_000 },
    );
    expect(
      (await db.query(`SELECT id FROM federation_outbox WHERE relayed_at IS NULL`)).rowCount,
    ).toBe(0);
    // More relay passes and queue polls later: still exactly one delivery per server.
    await sleep(3_000);
    expect(inboxes.map(({ bodies }) => creates(bodies).length)).toEqual([1, 1]);
  });
});

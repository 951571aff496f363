import {
  freePort,
  isolatedInfrastructure,
  registerApp,
  registerMember,
  waitFor,
  type IsolatedInfrastructure,
  type Member,
} from '@fediflow/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBundle, startService, type RunningService } from './built-services';

interface Instance {
  origin: string;
  infra: IsolatedInfrastructure;
  api: RunningService;
  federation: RunningService;
  workers: RunningService;
}

interface Status {
  id: string;
  uri: string;
  content: string;
  account: { acct: string };
}

/** One instance: its own database and Redis prefix; its origin is its federation service. */
async function startInstance(label: string): Promise<Instance> {
  const infra = await isolatedInfrastructure(label);
  const federationPort = await freePort();
  const origin = `http://127.0.0.1:${federationPort}`;
  const env = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    PUBLIC_ORIGIN: origin,
    REGISTRATIONS_OPEN: 'true',
    FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true',
    ...infra.env,
  };
  const migration = await runBundle('api', 'migrate.js', env);
  expect(migration.status.code, migration.output.join('\n')).toBe(0);
  const [api, federation, workers] = await Promise.all([
    startService('api', env, { port: await freePort(), metricsPort: await freePort() }),
    startService('federation', env, { port: federationPort, metricsPort: await freePort() }),
    startService('workers', env, { port: await freePort(), metricsPort: await freePort() }),
  ]);
  return { origin, infra, api, federation, workers };
}

async function stopInstance(instance: Instance | undefined): Promise<void> {
  if (!instance) return;
  await Promise.all(
    [instance.api, instance.federation, instance.workers].map((s) => s.process.stop('SIGTERM')),
  );
  await instance.infra.release();
}

/**
 * Two FediFlow instances (built api, federation and workers each) on loopback: alice@A follows
 * bob@B (Follow → Accept across both queues), bob posts, the post reaches alice's home on A.
 */
describe('federation between two built instances', () => {
  let a: Instance;
  let b: Instance;
  let alice: Member;
  let bob: Member;

  beforeAll(async () => {
    [a, b] = await Promise.all([startInstance('fed-a'), startInstance('fed-b')]);
    alice = await registerMember(a.api.base, await registerApp(a.api.base), 'alice');
    bob = await registerMember(b.api.base, await registerApp(b.api.base), 'bob');
  }, 120_000);
  afterAll(async () => {
    await Promise.all([stopInstance(a), stopInstance(b)]);
  });

  it('alice@A follows bob@B, bob posts (reaches alice’s home) and deletes, alice unfollows', async () => {
    // Remote account lookup (WebFinger from the API) is not built yet: A knows bob as the
    // directory would have stored him.
    const client = new pg.Client({ connectionString: a.infra.database.url });
    await client.connect();
    let bobOnA: string;
    try {
      const { rows } = await client.query<{ id: string }>(
        `INSERT INTO accounts (username, domain, uri, inbox_url, shared_inbox_url)
         VALUES ('bob', $1, $2, $3, $4) RETURNING id::text AS id`,
        [
          new URL(b.origin).host,
          `${b.origin}/users/bob`,
          `${b.origin}/users/bob/inbox`,
          `${b.origin}/inbox`,
        ],
      );
      bobOnA = rows[0]!.id;
    } finally {
      await client.end();
    }

    const follow = await alice.client.post<{ requested: boolean }>(
      `/api/v1/accounts/${bobOnA}/follow`,
    );
    expect(follow.status).toBe(200);
    expect(follow.body.requested).toBe(true);

    // B's workers accept (bob is not locked) and A's workers take the Accept.
    await waitFor(
      'the follow to be accepted',
      async () => {
        const { body } = await alice.client.get<{ following: boolean }[]>(
          `/api/v1/accounts/relationships?id[]=${bobOnA}`,
        );
        return body[0]?.following ? true : undefined;
      },
      { timeoutMs: 30_000 },
    );
    const { body: bobSelf } = await bob.client.get<{ followers_count: number }>(
      '/api/v1/accounts/verify_credentials',
    );
    expect(bobSelf.followers_count).toBe(1);

    const posted = await bob.client.post<Status>('/api/v1/statuses', {
      status: 'hello from B',
      visibility: 'public',
    });
    expect(posted.status).toBe(200);
    const arrived = await waitFor(
      'bob’s post in alice’s home timeline on A',
      async () => {
        const { body } = await alice.client.get<Status[]>('/api/v1/timelines/home');
        return body.find(
          (status) => status.uri === `${b.origin}/users/bob/statuses/${posted.body.id}`,
        );
      },
      { timeoutMs: 30_000 },
    );
    expect(arrived.content).toBe('<p>hello from B</p>');
    expect(arrived.account.acct).toBe(`bob@${new URL(b.origin).host}`);

    // bob deletes it: gone from alice's home on A.
    expect((await bob.client.delete(`/api/v1/statuses/${posted.body.id}`)).status).toBe(200);
    await waitFor(
      'the deletion to reach A',
      async () => {
        const { body } = await alice.client.get<Status[]>('/api/v1/timelines/home');
        return body.some((status) => status.uri === arrived.uri) ? undefined : true;
      },
      { timeoutMs: 30_000 },
    );

    // alice unfollows: B no longer counts her.
    expect((await alice.client.post(`/api/v1/accounts/${bobOnA}/unfollow`)).status).toBe(200);
    await waitFor(
      'the Undo(Follow) to reach B',
      async () => {
        const { body } = await bob.client.get<{ followers_count: number }>(
          '/api/v1/accounts/verify_credentials',
        );
        return body.followers_count === 0 ? true : undefined;
      },
      { timeoutMs: 30_000 },
    );
  });
});

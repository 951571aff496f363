import {
  freePort,
  isolatedInfrastructure,
  registerApp,
  registerMember,
  runBundle,
  startService,
  waitFor,
  type IsolatedInfrastructure,
  type Member,
  type RunningService,
} from '@fediflow/testing';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

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
  in_reply_to_id: string | null;
  account: { acct: string };
}

interface Account {
  id: string;
  acct: string;
  uri: string;
}

interface Notification {
  type: string;
  account: { acct: string };
  status: Status;
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
 * Two FediFlow instances (built api, federation and workers each) on loopback: alice@A finds
 * bob@B through A's API and follows him (Follow → Accept across both queues), bob posts, the post
 * reaches alice's home on A, alice replies and favourites (bob is notified on B), bob deletes
 * (gone at A), alice unfollows.
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

  it('alice@A looks up and follows bob@B; posts, replies, favourites and deletes flow both ways', async () => {
    // alice finds bob through A's API: WebFinger on B, then B's actor document (signed fetch).
    const bHost = new URL(b.origin).host;
    const found = await alice.client.get<Account>(`/api/v1/accounts/lookup?acct=bob@${bHost}`);
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ acct: `bob@${bHost}`, uri: `${b.origin}/users/bob` });
    const bobOnA = found.body.id;

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
    expect(arrived.account.acct).toBe(`bob@${bHost}`);

    // alice replies (threaded under the copy of bob's post on A) and favourites it.
    const reply = await alice.client.post<Status>('/api/v1/statuses', {
      status: `@bob@${bHost} hello from A`,
      in_reply_to_id: arrived.id,
      visibility: 'public',
    });
    expect(reply.status).toBe(200);
    expect(reply.body.in_reply_to_id).toBe(arrived.id);
    expect((await alice.client.post(`/api/v1/statuses/${arrived.id}/favourite`)).status).toBe(200);

    // On B bob hears of both, and the reply hangs under his post.
    const notification = (type: string) =>
      waitFor(
        `bob’s ${type} notification on B`,
        async () => {
          const { body } = await bob.client.get<Notification[]>('/api/v1/notifications');
          return body.find((n) => n.type === type);
        },
        { timeoutMs: 30_000 },
      );
    const notifications = {
      favourite: await notification('favourite'),
      mention: await notification('mention'),
    };
    expect(notifications.mention).toMatchObject({
      account: { acct: `alice@${new URL(a.origin).host}` },
      status: { in_reply_to_id: posted.body.id, content: expect.stringContaining('hello from A') },
    });
    expect(notifications.favourite).toMatchObject({
      account: { acct: `alice@${new URL(a.origin).host}` },
      status: { id: posted.body.id },
    });
    const { body: context } = await bob.client.get<{ descendants: Status[] }>(
      `/api/v1/statuses/${posted.body.id}/context`,
    );
    expect(context.descendants.map((status) => status.id)).toEqual([
      notifications.mention.status.id,
    ]);
    const { body: favourited } = await bob.client.get<{ favourites_count: number }>(
      `/api/v1/statuses/${posted.body.id}`,
    );
    expect(favourited.favourites_count).toBe(1);

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

  it('bob@B changes his avatar and header: Update(Person) shows them on A (icon, image)', async () => {
    const bHost = new URL(b.origin).host;
    const { body: bobOnA } = await alice.client.get<Account>(
      `/api/v1/accounts/lookup?acct=bob@${bHost}`,
    );
    expect((await alice.client.post(`/api/v1/accounts/${bobOnA.id}/follow`)).status).toBe(200);
    await waitFor(
      'the follow to be accepted',
      async () => {
        const { body } = await alice.client.get<{ following: boolean }[]>(
          `/api/v1/accounts/relationships?id[]=${bobOnA.id}`,
        );
        return body[0]?.following ? true : undefined;
      },
      { timeoutMs: 30_000 },
    );
    const image = (background: string) =>
      sharp({ create: { width: 600, height: 300, channels: 3, background } })
        .png()
        .toBuffer();
    const form = new FormData();
    form.append('avatar', new Blob([new Uint8Array(await image('#c33'))]), 'avatar.png');
    form.append('header', new Blob([new Uint8Array(await image('#33c'))]), 'header.png');
    form.append('display_name', 'Bob B.');
    const changed = await bob.client.request<{ avatar: string; header: string }>(
      'PATCH',
      '/api/v1/accounts/update_credentials',
      { multipart: form },
    );
    expect(changed.status).toBe(200);
    expect(changed.body.avatar).toMatch(new RegExp(`^${b.origin}/system/avatars/`));
    const shown = await waitFor(
      'bob’s new avatar on A',
      async () => {
        const { body } = await alice.client.get<Account & { avatar: string; header: string }>(
          `/api/v1/accounts/${bobOnA.id}`,
        );
        return body.avatar === changed.body.avatar ? body : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(shown).toMatchObject({ header: changed.body.header, display_name: 'Bob B.' });
  });
});

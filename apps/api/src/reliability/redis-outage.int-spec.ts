import {
  RedisServerProcess,
  registerApp,
  registerMembers,
  waitFor,
  type Member,
} from '@fediflow/testing';
import { remoteActor } from '@fediflow/testing/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from '../testing/api-harness.testing';

/** Generous bound for "answers at once" on a shared, noisy machine; a hang is 5 s and more. */
const PROMPT_MS = 2_500;

describe('the API while its Redis is dead: members keep working, deliveries wait in the outbox', () => {
  let redis: RedisServerProcess;
  let api: ApiHarness;
  let alice: Member;

  beforeAll(async () => {
    redis = await RedisServerProcess.start();
    api = await startApi('redis-outage', { REDIS_URL: redis.url, RATE_LIMIT_ENABLED: 'true' });
    const app = await registerApp(api.base);
    [alice] = await registerMembers(api.base, app, ['alice']);
    // A remote follower, so that each post has a delivery to record.
    const follower = await remoteActor(api.db, {
      username: 'f',
      uri: 'https://remote.example/users/f',
      inbox: 'https://remote.example/users/f/inbox',
      sharedInbox: 'https://remote.example/inbox',
    });
    await api.db.query(`INSERT INTO follows (account_id, target_account_id) VALUES ($1, $2)`, [
      follower,
      alice.accountId,
    ]);
  });
  afterAll(async () => {
    await api?.close();
    await redis?.stop();
  });

  const pending = async () =>
    (
      (await api.db.query(
        `SELECT count(*)::int AS n FROM federation_outbox WHERE relayed_at IS NULL`,
      )) as { n: number }[]
    )[0]!.n;

  it('posts and reads promptly, keeps the delivery, and relays it once Redis is back', async () => {
    await redis.stop();
    try {
      const started = performance.now();
      const posted = await alice.client.post<{ id: string }>('/api/v1/statuses', {
        status: 'while Redis is away',
      });
      const timeline = await alice.client.get<unknown[]>('/api/v1/timelines/home');
      expect(performance.now() - started).toBeLessThan(PROMPT_MS);
      expect(posted.status).toBe(200);
      expect(timeline.status).toBe(200);
      expect((await fetch(`${api.base}/health`)).status).toBe(200);
      expect((await fetch(`${api.base}/ready`)).status).toBe(503);
      // A few relay passes later the delivery is still waiting, not dropped.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(await pending()).toBe(1);
      // An outage is no failure of the row: it is not counted towards dropping it.
      expect(await api.db.query(`SELECT attempts FROM federation_outbox`)).toEqual([
        { attempts: 0 },
      ]);
    } finally {
      await redis.start();
    }
    await waitFor('the outbox to drain into the queue', async () =>
      (await pending()) === 0 ? true : undefined,
    );
  });
});

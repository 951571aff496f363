import { HomeFeedStore, HomeTimelineReader, homeTimelineSql } from '@fediflow/home-feeds';
import {
  MastodonClient,
  registerApp,
  registerMembers,
  waitFor,
  type Member,
} from '@fediflow/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from '../testing/api-harness.testing';
import type { StatusJson } from '../statuses/status.view';

describe('timelines', () => {
  let api: ApiHarness;
  let alice: Member;
  let bob: Member;
  let carol: Member;
  const bobPosts: string[] = [];

  beforeAll(async () => {
    api = await startApi('timelines');
    const app = await registerApp(api.base);
    [alice, bob, carol] = await registerMembers(api.base, app, ['alice', 'bob', 'carol']);
    await alice.client.post(`/api/v1/accounts/${bob.accountId}/follow`);
    for (let i = 1; i <= 5; i++) {
      const { body } = await bob.client.post<StatusJson>('/api/v1/statuses', {
        status: `bob ${i} #news`,
      });
      bobPosts.push(body.id);
    }
    await carol.client.post('/api/v1/statuses', {
      status: 'carol, not followed',
      visibility: 'public',
    });
    await bob.client.post('/api/v1/statuses', { status: 'bob unlisted', visibility: 'unlisted' });
    await alice.client.post('/api/v1/statuses', { status: 'alice herself' });
  });
  afterAll(async () => {
    await api?.close();
  });

  const texts = (statuses: StatusJson[]) => statuses.map((s) => s.content.replace(/<[^>]+>/g, ''));

  it('home shows own and followed statuses, newest first, not strangers', async () => {
    const { status, body } = await alice.client.get<StatusJson[]>('/api/v1/timelines/home');
    expect(status).toBe(200);
    expect(texts(body)).toEqual([
      'alice herself',
      'bob unlisted',
      'bob 5 #news',
      'bob 4 #news',
      'bob 3 #news',
      'bob 2 #news',
      'bob 1 #news',
    ]);
  });

  it('paginates with max_id, since_id, min_id, limit and Link headers', async () => {
    const first = await alice.client.get<StatusJson[]>('/api/v1/timelines/home?limit=2');
    expect(first.body).toHaveLength(2);
    const link = first.headers.get('link')!;
    const next = /<([^>]+)>; rel="next"/.exec(link)![1]!;
    expect(new URL(next).searchParams.get('max_id')).toBe(first.body[1]!.id);
    expect(new URL(next).searchParams.get('limit')).toBe('2');

    const second = await alice.client.get<StatusJson[]>(
      `/api/v1/timelines/home?limit=2&max_id=${first.body[1]!.id}`,
    );
    expect(texts(second.body)).toEqual(['bob 5 #news', 'bob 4 #news']);

    // min_id pages forward from a point: the oldest statuses just after it, still newest first.
    const forward = await alice.client.get<StatusJson[]>(
      `/api/v1/timelines/home?limit=2&min_id=${bobPosts[0]}`,
    );
    expect(texts(forward.body)).toEqual(['bob 3 #news', 'bob 2 #news']);
    // since_id gives the newest statuses after a point.
    const since = await alice.client.get<StatusJson[]>(
      `/api/v1/timelines/home?limit=2&since_id=${bobPosts[0]}`,
    );
    expect(texts(since.body)).toEqual(['alice herself', 'bob unlisted']);

    const empty = await alice.client.get<StatusJson[]>(
      `/api/v1/timelines/home?max_id=${bobPosts[0]}`,
    );
    expect(empty.body).toEqual([]);
    expect(empty.headers.get('link')).toBeNull();
  });

  it('clamps limit to 40 and rejects nonsense with 422', async () => {
    expect((await alice.client.get<StatusJson[]>('/api/v1/timelines/home?limit=500')).status).toBe(
      200,
    );
    expect((await alice.client.get('/api/v1/timelines/home?limit=0')).status).toBe(422);
    expect((await alice.client.get('/api/v1/timelines/home?max_id=abc')).status).toBe(422);
  });

  it('home needs a member token; public and tag timelines are open', async () => {
    const anonymous = new MastodonClient(api.base);
    expect((await anonymous.get('/api/v1/timelines/home')).status).toBe(401);
    const local = await anonymous.get<StatusJson[]>('/api/v1/timelines/public?local=true');
    expect(texts(local.body)).not.toContain('bob unlisted');
    expect(texts(local.body)).toContain('carol, not followed');
    const tagged = await anonymous.get<StatusJson[]>('/api/v1/timelines/tag/News?limit=3');
    expect(texts(tagged.body)).toEqual(['bob 5 #news', 'bob 4 #news', 'bob 3 #news']);
    expect(
      (await anonymous.get<StatusJson[]>('/api/v1/timelines/public?remote=true')).body,
    ).toEqual([]);
  });

  it('reblogs appear in the reblogger followers home with the original inside', async () => {
    await bob.client.post(
      `/api/v1/statuses/${(await carol.client.post<StatusJson>('/api/v1/statuses', { status: 'boost me' })).body.id}/reblog`,
    );
    const [top] = (await alice.client.get<StatusJson[]>('/api/v1/timelines/home?limit=1')).body;
    expect(top?.account.id).toBe(bob.accountId);
    expect(top?.reblog).toMatchObject({
      content: '<p>boost me</p>',
      account: { id: carol.accountId },
    });
  });

  it('home timeline query plan uses indexes, never a sequential scan of statuses', async () => {
    // Enough rows for the planner to prefer indexes over scanning: 30 authors × 400 statuses.
    await api.db.query(`
      WITH authors AS (
        INSERT INTO accounts (username) SELECT 'bulk' || g FROM generate_series(1, 30) g RETURNING id)
      INSERT INTO statuses (account_id, local, text, content, visibility)
      SELECT a.id, true, 'bulk', '<p>bulk</p>', 'public' FROM authors a, generate_series(1, 400)`);
    await api.db.query(
      `
      INSERT INTO follows (account_id, target_account_id)
      SELECT $1, id FROM accounts WHERE username LIKE 'bulk%'`,
      [alice.accountId],
    );
    await api.db.query('ANALYZE');
    const plan: { 'QUERY PLAN': string }[] = await api.db.query(
      `EXPLAIN ${homeTimelineSql('s.id < $2', 20, false)}`,
      [alice.accountId, '9223372036854775807'],
    );
    const text = plan.map((row) => row['QUERY PLAN']).join('\n');
    expect(text).toMatch(/Index (Only )?Scan (Backward )?using statuses_account_id_id_idx/);
    expect(text).not.toMatch(/Seq Scan on statuses/);
    // Rows written behind the social layer's back reach no feed: alice's is dropped and rebuilt.
    await api.service.app.get(HomeFeedStore).drop(alice.accountId);
    const home = await alice.client.get<StatusJson[]>('/api/v1/timelines/home?limit=40');
    expect(home.body).toHaveLength(40);
  });

  it('home is read from the member’s feed; a feed entry whose status is gone is dropped', async () => {
    const store = api.service.app.get(HomeFeedStore);
    const reader = api.service.app.get(HomeTimelineReader);
    await store.drop(carol.accountId);
    await carol.client.post(`/api/v1/accounts/${bob.accountId}/follow`);
    expect(await reader.rebuild(carol.accountId)).toBe(true);
    const { body: post } = await bob.client.post<StatusJson>('/api/v1/statuses', {
      status: 'fresh',
    });
    // A row PostgreSQL has but the feed does not: the feed, not SQL, answers.
    await api.db.query(
      `INSERT INTO statuses (account_id, local, text, content, visibility)
       VALUES ($1, true, 'sql only', '<p>sql only</p>', 'public')`,
      [bob.accountId],
    );
    const [top] = (await carol.client.get<StatusJson[]>('/api/v1/timelines/home?limit=1')).body;
    expect(top?.id).toBe(post.id);
    // The post deleted behind the feed's back: not shown, and removed from the feed on read.
    await api.db.query(`DELETE FROM statuses WHERE id = $1`, [post.id]);
    const page = (await carol.client.get<StatusJson[]>('/api/v1/timelines/home?limit=3')).body;
    expect(page.map((s) => s.id)).not.toContain(post.id);
    await waitFor('the gone id to leave the feed', async () => {
      const read = await store.read(carol.accountId, { limit: 40, ascending: false });
      return read.state === 'present' && !read.ids.includes(post.id) ? true : undefined;
    });
  });
});

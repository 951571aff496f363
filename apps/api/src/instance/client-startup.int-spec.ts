import { MastodonClient, registerApp, registerMembers, type Member } from '@fediflow/testing';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from '../testing/api-harness.testing';

interface Tag {
  id: string;
  name: string;
  url: string;
  history: { day: string; uses: string; accounts: string }[];
  following?: boolean;
}

/**
 * The endpoints Mastodon clients call while starting up and opening a status: implemented ones
 * over real data, and the empty answers Mastodon gives a member who has none of a feature.
 */
describe('client start-up endpoints', () => {
  let api: ApiHarness;
  let anonymous: MastodonClient;
  let alice: Member;
  let bob: Member;
  let carol: Member;

  beforeAll(async () => {
    api = await startApi('client-startup');
    anonymous = new MastodonClient(api.base);
    const app = await registerApp(api.base);
    [alice, bob, carol] = await registerMembers(api.base, app, ['alice', 'bob', 'carol']);
  });
  afterAll(async () => {
    await api?.close();
  });

  it('shows a hashtag with seven days of public use, and follows and unfollows it', async () => {
    await alice.client.post('/api/v1/statuses', { status: 'Hello #FediFlow' });
    await bob.client.post('/api/v1/statuses', { status: 'Me too #fediflow' });
    await bob.client.post('/api/v1/statuses', { status: 'quiet #fediflow', visibility: 'private' });

    const tag = await anonymous.get<Tag>('/api/v1/tags/FediFlow');
    expect(tag.status).toBe(200);
    expect(tag.body).toMatchObject({
      name: 'fediflow',
      url: 'https://fediflow.test/tags/fediflow',
    });
    expect(tag.body).not.toHaveProperty('following');
    expect(tag.body.history).toHaveLength(7);
    const today = Math.floor(Date.now() / 86_400_000) * 86_400;
    expect(tag.body.history[0]).toEqual({ day: String(today), uses: '2', accounts: '2' });
    expect(tag.body.history.slice(1).every((day) => day.uses === '0')).toBe(true);

    expect((await carol.client.get<Tag>('/api/v1/tags/fediflow')).body.following).toBe(false);
    const followed = await carol.client.post<Tag>('/api/v1/tags/%23FediFlow/follow');
    expect(followed.status).toBe(200);
    expect(followed.body).toMatchObject({ name: 'fediflow', following: true });
    // Following a tag nobody has used yet creates it, as on Mastodon.
    await carol.client.post<Tag>('/api/v1/tags/brandnew/follow');
    const list = await carol.client.get<Tag[]>('/api/v1/followed_tags?limit=1');
    expect(list.body.map((t) => t.name)).toEqual(['brandnew']);
    const next = /<([^>]+)>; rel="next"/.exec(list.headers.get('link') ?? '')?.[1];
    expect(next).toBeDefined();
    const older = await carol.client.get<Tag[]>(new URL(next!).pathname + new URL(next!).search);
    expect(older.body.map((t) => t.name)).toEqual(['fediflow']);

    const unfollowed = await carol.client.post<Tag>('/api/v1/tags/fediflow/unfollow');
    expect(unfollowed.body.following).toBe(false);
    expect((await carol.client.get<Tag[]>('/api/v1/followed_tags')).body).toHaveLength(1);
  });

  it('answers an unused hashtag, and 404 for what cannot be one', async () => {
    const unused = await anonymous.get<Tag>('/api/v1/tags/nothinghere');
    expect(unused.status).toBe(200);
    expect(unused.body.history.every((day) => day.uses === '0')).toBe(true);
    expect((await anonymous.get('/api/v1/tags/not%20a%20tag')).status).toBe(404);
    expect((await anonymous.get('/api/v1/tags/12345')).status).toBe(404);
    expect((await anonymous.post('/api/v1/tags/x/follow')).status).toBe(401);
  });

  it('lists who boosted and favourited a status, and its history', async () => {
    const posted = await alice.client.post<{ id: string; content: string }>('/api/v1/statuses', {
      status: 'boost me',
    });
    const id = posted.body.id;
    await bob.client.post(`/api/v1/statuses/${id}/reblog`);
    await carol.client.post(`/api/v1/statuses/${id}/reblog`);
    await carol.client.post(`/api/v1/statuses/${id}/favourite`);

    const boosters = await anonymous.get<{ username: string }[]>(
      `/api/v1/statuses/${id}/reblogged_by`,
    );
    expect(boosters.body.map((a) => a.username)).toEqual(['carol', 'bob']);
    const page = await anonymous.get<{ username: string }[]>(
      `/api/v1/statuses/${id}/reblogged_by?limit=1`,
    );
    expect(page.body.map((a) => a.username)).toEqual(['carol']);
    expect(page.headers.get('link')).toMatch(/max_id=\d+.*rel="next"/);
    const fans = await anonymous.get<{ username: string }[]>(
      `/api/v1/statuses/${id}/favourited_by`,
    );
    expect(fans.body.map((a) => a.username)).toEqual(['carol']);

    const history = await anonymous.get<{ content: string; account: { id: string } }[]>(
      `/api/v1/statuses/${id}/history`,
    );
    expect(history.body).toEqual([
      expect.objectContaining({ content: posted.body.content, account: expect.anything() }),
    ]);

    // A followers-only status is hidden from strangers on all three, as Mastodon hides it.
    const hidden = await alice.client.post<{ id: string }>('/api/v1/statuses', {
      status: 'followers only',
      visibility: 'private',
    });
    for (const path of ['reblogged_by', 'favourited_by', 'history']) {
      expect((await anonymous.get(`/api/v1/statuses/${hidden.body.id}/${path}`)).status).toBe(404);
    }
    expect((await anonymous.get('/api/v1/statuses/999999/history')).status).toBe(404);
  });

  it('bookmarks and pins statuses, and lists bookmarks and favourites newest mark first', async () => {
    const post = async (member: Member, status: string, visibility = 'public') =>
      (await member.client.post<{ id: string }>('/api/v1/statuses', { status, visibility })).body
        .id;
    const first = await post(bob, 'first');
    const second = await post(bob, 'second');
    await alice.client.post(`/api/v1/statuses/${second}/bookmark`);
    const marked = await alice.client.post<{ bookmarked: boolean }>(
      `/api/v1/statuses/${first}/bookmark`,
    );
    expect(marked.body.bookmarked).toBe(true);
    const bookmarks = await alice.client.get<{ id: string }[]>('/api/v1/bookmarks');
    expect(bookmarks.body.map((s) => s.id)).toEqual([first, second]);
    await alice.client.post(`/api/v1/statuses/${first}/unbookmark`);
    expect((await alice.client.get<{ id: string }[]>('/api/v1/bookmarks')).body).toHaveLength(1);
    expect((await bob.client.get<unknown[]>('/api/v1/bookmarks')).body).toEqual([]);

    await alice.client.post(`/api/v1/statuses/${second}/favourite`);
    await alice.client.post(`/api/v1/statuses/${first}/favourite`);
    const favourites = await alice.client.get<{ id: string; favourited: boolean }[]>(
      '/api/v1/favourites?limit=1',
    );
    expect(favourites.body.map((s) => [s.id, s.favourited])).toEqual([[first, true]]);
    expect(favourites.headers.get('link')).toMatch(/rel="next"/);

    const pinned = await bob.client.post<{ pinned: boolean }>(`/api/v1/statuses/${first}/pin`);
    expect([pinned.status, pinned.body.pinned]).toEqual([200, true]);
    const profilePins = await anonymous.get<{ id: string }[]>(
      `/api/v1/accounts/${bob.accountId}/statuses?pinned=true`,
    );
    expect(profilePins.body.map((s) => s.id)).toEqual([first]);
    // Mastodon's rules: not someone else's, not followers-only, at most five.
    expect((await alice.client.post(`/api/v1/statuses/${second}/pin`)).status).toBe(422);
    const privateOne = await post(bob, 'private', 'private');
    expect((await bob.client.post(`/api/v1/statuses/${privateOne}/pin`)).status).toBe(422);
    for (const n of [1, 2, 3, 4]) {
      expect(
        (await bob.client.post(`/api/v1/statuses/${await post(bob, `p${n}`)}/pin`)).status,
      ).toBe(200);
    }
    const sixth = await bob.client.post<{ error: string }>(`/api/v1/statuses/${second}/pin`);
    expect([sixth.status, sixth.body.error]).toEqual([422, expect.stringMatching(/maximum/)]);
    const unpinned = await bob.client.post<{ pinned: boolean }>(`/api/v1/statuses/${first}/unpin`);
    expect(unpinned.body.pinned).toBe(false);
    expect((await bob.client.post(`/api/v1/statuses/${second}/pin`)).status).toBe(200);
  });

  it('answers the features a member has none of as Mastodon does', async () => {
    for (const path of [
      '/api/v1/lists',
      '/api/v1/blocks',
      '/api/v1/mutes',
      '/api/v1/conversations',
      '/api/v1/domain_blocks',
      '/api/v1/featured_tags',
      '/api/v1/featured_tags/suggestions',
      '/api/v1/endorsements',
      '/api/v1/suggestions',
      '/api/v2/suggestions',
      `/api/v1/accounts/${alice.accountId}/lists`,
    ]) {
      const response = await alice.client.get(path);
      expect([response.status, response.body], path).toEqual([200, []]);
      expect((await anonymous.get(path)).status, path).toBe(401);
    }
    const featured = await anonymous.get(`/api/v1/accounts/${alice.accountId}/featured_tags`);
    expect([featured.status, featured.body]).toEqual([200, []]);
    for (const path of [
      '/api/v1/lists/1',
      '/api/v1/lists/1/accounts',
      '/api/v1/timelines/list/1',
    ]) {
      const response = await alice.client.get(path);
      expect([response.status, response.body], path).toEqual([404, { error: 'Record not found' }]);
    }
  });

  it('serves the default avatar and header as real PNG images', async () => {
    const account = await anonymous.get<{ avatar: string; header: string }>(
      `/api/v1/accounts/${alice.accountId}`,
    );
    for (const [url, width, height] of [
      [account.body.avatar, 400, 400],
      [account.body.header, 1500, 500],
    ] as const) {
      const response = await fetch(`${api.base}${new URL(url).pathname}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/png');
      expect(response.headers.get('cache-control')).toMatch(/public, max-age=\d+/);
      // Decoded by libvips (sharp), not by FediFlow's own encoder.
      const image = sharp(Buffer.from(await response.arrayBuffer()));
      expect(await image.metadata()).toMatchObject({ format: 'png', width, height });
      const { channels } = await image.stats();
      expect(channels[0]?.stdev).toBe(0);
    }
  });
});

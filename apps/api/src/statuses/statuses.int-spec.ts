import {
  MastodonClient,
  registerApp,
  registerMembers,
  type Member,
  TEST_ORIGIN,
} from '@fediflow/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from '../testing/api-harness.testing';
import type { StatusJson } from './status.view';

describe('statuses', () => {
  let api: ApiHarness;
  let alice: Member;
  let bob: Member;
  let carol: Member;
  let anonymous: MastodonClient;

  beforeAll(async () => {
    api = await startApi('statuses');
    const app = await registerApp(api.base);
    [alice, bob, carol] = await registerMembers(api.base, app, ['alice', 'bob', 'carol']);
    anonymous = new MastodonClient(api.base);
    await bob.client.post(`/api/v1/accounts/${alice.accountId}/follow`);
  });
  afterAll(async () => {
    await api?.close();
  });

  const post = (member: Member, body: Record<string, unknown>, headers?: Record<string, string>) =>
    member.client.post<StatusJson & { error?: string }>('/api/v1/statuses', body, headers);

  it('creates a status: escaped HTML with links, mentions and tags, and notifies the mentioned', async () => {
    const { status, body } = await post(alice, {
      status: 'Hi @bob <script>x()</script> see https://fediflow.example/docs #Launch',
      visibility: 'public',
      language: 'en',
    });
    expect(status).toBe(200);
    expect(body.content).not.toContain('<script>');
    expect(body.content).toContain('&lt;script&gt;');
    expect(body.content).toContain(`<a href="${TEST_ORIGIN}/@bob" class="u-url mention">`);
    expect(body.content).toContain('<a href="https://fediflow.example/docs"');
    expect(body.mentions).toEqual([
      { id: bob.accountId, username: 'bob', acct: 'bob', url: `${TEST_ORIGIN}/@bob` },
    ]);
    expect(body.tags).toEqual([{ name: 'launch', url: `${TEST_ORIGIN}/tags/launch` }]);
    expect(body.uri).toBe(`${TEST_ORIGIN}/users/alice/statuses/${body.id}`);
    expect(body).toMatchObject({
      visibility: 'public',
      language: 'en',
      favourited: false,
      account: { id: alice.accountId },
    });

    const notifications = await bob.client.get<{ type: string; status: { id: string } }[]>(
      '/api/v1/notifications?types[]=mention',
    );
    expect(notifications.body).toEqual([
      expect.objectContaining({
        type: 'mention',
        status: expect.objectContaining({ id: body.id }),
      }),
    ]);
  });

  it('honours Idempotency-Key: a retried request returns the same status', async () => {
    const headers = { 'idempotency-key': 'retry-1' };
    const first = await post(alice, { status: 'only once' }, headers);
    const second = await post(alice, { status: 'only once' }, headers);
    expect(second.body.id).toBe(first.body.id);
    const [row]: { n: number }[] = await api.db.query(
      `SELECT count(*)::int AS n FROM statuses WHERE text = 'only once'`,
    );
    expect(row?.n).toBe(1);
  });

  it('rejects bad input with 4xx and a reason, storing nothing', async () => {
    const before: { n: number }[] = await api.db.query(`SELECT count(*)::int AS n FROM statuses`);
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [{ status: '' }, 422, /status can't be blank/],
      [{ status: 'x'.repeat(501) }, 422, /too long/],
      [{ status: 'hi', visibility: 'everyone' }, 422, /visibility/],
      [{ status: 'hi', in_reply_to_id: '123' }, 422, /in_reply_to_id/],
      [{ status: 'hi', in_reply_to_id: 'abc' }, 422, /in_reply_to_id/],
      [{ status: 'hi', media_ids: ['1'] }, 422, /media_ids/],
    ];
    for (const [body, status, error] of cases) {
      const response = await post(alice, body);
      expect(response.status, JSON.stringify(body)).toBe(status);
      expect(response.body.error).toMatch(error);
    }
    const malformed = await alice.client.request<{ error: string }>('POST', '/api/v1/statuses', {
      headers: { 'content-type': 'application/json' },
      json: undefined,
    });
    expect(malformed.status).toBeLessThan(500);
    const raw = await fetch(`${api.base}/api/v1/statuses`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${alice.client.token}`,
        'content-type': 'application/json',
      },
      body: '{"status": ',
    });
    expect(raw.status).toBe(400);
    expect(await raw.json()).toEqual({ error: expect.stringMatching(/not valid JSON/) });
    const huge = await fetch(`${api.base}/api/v1/statuses`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${alice.client.token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ status: 'x'.repeat(2_000_000) }),
    });
    expect(huge.status).toBe(413);
    expect(await huge.json()).toEqual({ error: 'Request body is too large' });
    const after: { n: number }[] = await api.db.query(`SELECT count(*)::int AS n FROM statuses`);
    expect(after[0]?.n).toBe(before[0]?.n);
  });

  it('accepts form-encoded bodies as Mastodon clients send them', async () => {
    const response = await alice.client.request<StatusJson>('POST', '/api/v1/statuses', {
      form: { status: 'from a form', sensitive: 'true', spoiler_text: 'cw' },
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ sensitive: true, spoiler_text: 'cw' });
  });

  it('enforces visibility: private for followers, direct for the mentioned', async () => {
    const privatePost = await post(alice, { status: 'followers only', visibility: 'private' });
    expect((await bob.client.get(`/api/v1/statuses/${privatePost.body.id}`)).status).toBe(200);
    expect((await carol.client.get(`/api/v1/statuses/${privatePost.body.id}`)).status).toBe(404);
    expect((await anonymous.get(`/api/v1/statuses/${privatePost.body.id}`)).status).toBe(404);

    const direct = await post(alice, { status: '@carol a secret', visibility: 'direct' });
    expect((await carol.client.get(`/api/v1/statuses/${direct.body.id}`)).status).toBe(200);
    expect((await bob.client.get(`/api/v1/statuses/${direct.body.id}`)).status).toBe(404);
    expect((await carol.client.post(`/api/v1/statuses/${direct.body.id}/reblog`)).status).toBe(422);
  });

  it('threads replies: context lists ancestors and descendants, counters move', async () => {
    const root = await post(alice, { status: 'root' });
    const reply = await post(bob, { status: '@alice reply', in_reply_to_id: root.body.id });
    const nested = await post(alice, { status: 'nested', in_reply_to_id: reply.body.id });
    expect(reply.body).toMatchObject({
      in_reply_to_id: root.body.id,
      in_reply_to_account_id: alice.accountId,
    });

    const context = await anonymous.get<{ ancestors: StatusJson[]; descendants: StatusJson[] }>(
      `/api/v1/statuses/${reply.body.id}/context`,
    );
    expect(context.body.ancestors.map((s) => s.id)).toEqual([root.body.id]);
    expect(context.body.descendants.map((s) => s.id)).toEqual([nested.body.id]);
    expect(
      (await anonymous.get<StatusJson>(`/api/v1/statuses/${root.body.id}`)).body.replies_count,
    ).toBe(1);
  });

  it('edits and deletes own statuses only; delete returns the source for redrafting', async () => {
    const original = await post(alice, { status: 'typo #tag' });
    expect(
      (await bob.client.put(`/api/v1/statuses/${original.body.id}`, { status: 'hijack' })).status,
    ).toBe(404);
    const edited = await alice.client.put<StatusJson>(`/api/v1/statuses/${original.body.id}`, {
      status: 'fixed @carol',
    });
    expect(edited.body.edited_at).not.toBeNull();
    expect(edited.body.tags).toEqual([]);
    expect(edited.body.mentions.map((m) => m.username)).toEqual(['carol']);

    expect((await bob.client.delete(`/api/v1/statuses/${original.body.id}`)).status).toBe(404);
    const deleted = await alice.client.delete<StatusJson>(`/api/v1/statuses/${original.body.id}`);
    expect(deleted.body.text).toBe('fixed @carol');
    expect((await anonymous.get(`/api/v1/statuses/${original.body.id}`)).status).toBe(404);
  });

  it('serves the source an edit form starts from, to whoever may see the status', async () => {
    const original = await post(alice, {
      status: 'draft <b>bold</b> & @bob',
      spoiler_text: 'cw: tests',
      visibility: 'private',
    });
    const source = await bob.client.get(`/api/v1/statuses/${original.body.id}/source`);
    expect(source.status).toBe(200);
    // Mastodon's StatusSource entity: exactly these three fields, the text as typed.
    expect(source.body).toEqual({
      id: original.body.id,
      text: 'draft <b>bold</b> & @bob',
      spoiler_text: 'cw: tests',
    });
    // Not a follower, so the private status is not found; anonymous calls need a token.
    expect((await carol.client.get(`/api/v1/statuses/${original.body.id}/source`)).status).toBe(
      404,
    );
    expect((await anonymous.get(`/api/v1/statuses/${original.body.id}/source`)).status).toBe(401);
    expect((await alice.client.get('/api/v1/statuses/nope/source')).status).toBe(404);

    await alice.client.put(`/api/v1/statuses/${original.body.id}`, {
      status: 'final text',
      spoiler_text: '',
    });
    const edited = await alice.client.get<{ text: string; spoiler_text: string }>(
      `/api/v1/statuses/${original.body.id}/source`,
    );
    expect(edited.body).toMatchObject({ text: 'final text', spoiler_text: '' });

    // An app token (client_credentials) may read the source of a public status.
    const app = await registerApp(api.base);
    const appToken = await anonymous.request<{ access_token: string }>('POST', '/oauth/token', {
      form: {
        grant_type: 'client_credentials',
        client_id: app.client_id,
        client_secret: app.client_secret,
        scope: 'read',
      },
    });
    const open = await post(alice, { status: 'public words' });
    const asApp = await anonymous
      .as(appToken.body.access_token)
      .get<{ text: string }>(`/api/v1/statuses/${open.body.id}/source`);
    expect(asApp.status).toBe(200);
    expect(asApp.body.text).toBe('public words');
  });

  it('favourites and reblogs idempotently with counters and notifications', async () => {
    const target = await post(alice, { status: 'like me' });
    for (let i = 0; i < 2; i++) {
      const favourited = await bob.client.post<StatusJson>(
        `/api/v1/statuses/${target.body.id}/favourite`,
      );
      expect(favourited.body).toMatchObject({ favourited: true, favourites_count: 1 });
    }
    const reblog = await bob.client.post<StatusJson>(`/api/v1/statuses/${target.body.id}/reblog`);
    expect(reblog.body.reblog).toMatchObject({
      id: target.body.id,
      reblogs_count: 1,
      reblogged: true,
    });
    const again = await bob.client.post<StatusJson>(`/api/v1/statuses/${target.body.id}/reblog`);
    expect(again.body.id).toBe(reblog.body.id);

    const notices = await alice.client.get<{ type: string }[]>(
      `/api/v1/notifications?exclude_types[]=follow&exclude_types[]=mention`,
    );
    expect(notices.body.map((n) => n.type).sort()).toEqual(['favourite', 'reblog']);

    const unfavourited = await bob.client.post<StatusJson>(
      `/api/v1/statuses/${target.body.id}/unfavourite`,
    );
    expect(unfavourited.body).toMatchObject({ favourited: false, favourites_count: 0 });
    const unreblogged = await bob.client.post<StatusJson>(
      `/api/v1/statuses/${target.body.id}/unreblog`,
    );
    expect(unreblogged.body).toMatchObject({
      id: target.body.id,
      reblogged: false,
      reblogs_count: 0,
    });
    const remaining = await alice.client.get<{ type: string }[]>(
      `/api/v1/notifications?types[]=favourite&types[]=reblog`,
    );
    expect(remaining.body).toEqual([]);
  });

  it('deleting a reblogged status removes the reblogs and keeps counts right', async () => {
    const target = await post(alice, { status: 'short-lived' });
    await carol.client.post(`/api/v1/statuses/${target.body.id}/reblog`);
    const before = (
      await anonymous.get<{ statuses_count: number }>(`/api/v1/accounts/${carol.accountId}`)
    ).body.statuses_count;
    await alice.client.delete(`/api/v1/statuses/${target.body.id}`);
    const after = (
      await anonymous.get<{ statuses_count: number }>(`/api/v1/accounts/${carol.accountId}`)
    ).body.statuses_count;
    expect(after).toBe(before - 1);
  });
});

import { registerApp, registerMembers, type Member } from '@fediflow/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatusJson } from '../statuses/status.view';
import { startApi, type ApiHarness } from '../testing/api-harness.testing';
import type { ListJson } from './lists.service';

const text = (statuses: StatusJson[]) => statuses.map((s) => s.content.replace(/<[^>]+>/g, ''));

describe('lists and list timelines', () => {
  let api: ApiHarness;
  let alice: Member;
  let bob: Member;
  let carol: Member;
  let dave: Member;
  let erin: Member;

  const post = async (member: Member, status: string, extra: Record<string, unknown> = {}) =>
    (await member.client.post<StatusJson>('/api/v1/statuses', { status, ...extra })).body;
  const listTimeline = async (list: ListJson, query = '') =>
    text((await alice.client.get<StatusJson[]>(`/api/v1/timelines/list/${list.id}${query}`)).body);

  beforeAll(async () => {
    api = await startApi('lists');
    const app = await registerApp(api.base);
    [alice, bob, carol, dave, erin] = await registerMembers(api.base, app, [
      'alice',
      'bob',
      'carol',
      'dave',
      'erin',
    ]);
    for (const member of [bob, carol, dave]) {
      await alice.client.post(`/api/v1/accounts/${member.accountId}/follow`);
    }
  });
  afterAll(async () => {
    await api?.close();
  });

  it('creates, shows, updates and deletes lists, each member only their own', async () => {
    const created = await alice.client.post<ListJson>('/api/v1/lists', { title: 'Friends' });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^\d+$/),
      title: 'Friends',
      replies_policy: 'list',
      exclusive: false,
    });
    const id = created.body.id;
    const formCreated = await alice.client.request<ListJson>('POST', '/api/v1/lists', {
      form: { title: 'Work', replies_policy: 'none', exclusive: 'true' },
    });
    expect(formCreated.body).toMatchObject({ replies_policy: 'none', exclusive: true });
    expect((await alice.client.get<ListJson[]>('/api/v1/lists')).body.map((l) => l.title)).toEqual([
      'Friends',
      'Work',
    ]);
    for (const body of [{}, { title: '  ' }, { title: 'x', replies_policy: 'all' }]) {
      expect((await alice.client.post('/api/v1/lists', body)).status, JSON.stringify(body)).toBe(
        422,
      );
    }
    const updated = await alice.client.put<ListJson>(`/api/v1/lists/${id}`, {
      title: 'Close friends',
      replies_policy: 'followed',
    });
    expect(updated.body).toMatchObject({ id, title: 'Close friends', replies_policy: 'followed' });
    expect((await alice.client.get<ListJson>(`/api/v1/lists/${id}`)).body.title).toBe(
      'Close friends',
    );
    // Someone else's list does not exist for bob.
    for (const request of [
      bob.client.get(`/api/v1/lists/${id}`),
      bob.client.put(`/api/v1/lists/${id}`, { title: 'mine' }),
      bob.client.delete(`/api/v1/lists/${id}`),
      bob.client.get(`/api/v1/lists/${id}/accounts`),
      bob.client.get(`/api/v1/timelines/list/${id}`),
    ]) {
      expect((await request).status).toBe(404);
    }
    expect((await bob.client.get('/api/v1/lists')).body).toEqual([]);
    const removed = await alice.client.delete(`/api/v1/lists/${formCreated.body.id}`);
    expect([removed.status, removed.body]).toEqual([200, {}]);
    expect((await alice.client.get(`/api/v1/lists/${formCreated.body.id}`)).status).toBe(404);
  });

  it('holds only followed accounts; membership ends with the follow', async () => {
    const list = (await alice.client.post<ListJson>('/api/v1/lists', { title: 'Members' })).body;
    const added = await alice.client.post(`/api/v1/lists/${list.id}/accounts`, {
      account_ids: [bob.accountId, carol.accountId],
    });
    expect([added.status, added.body]).toEqual([200, {}]);
    const stranger = await alice.client.post<{ error: string }>(
      `/api/v1/lists/${list.id}/accounts`,
      { account_ids: [dave.accountId, erin.accountId] },
    );
    expect([stranger.status, stranger.body.error]).toEqual([404, expect.stringMatching(/follow/)]);
    const members = async (query = '') =>
      (
        await alice.client.get<{ username: string }[]>(`/api/v1/lists/${list.id}/accounts${query}`)
      ).body.map((a) => a.username);
    expect(await members()).toEqual(['carol', 'bob']);
    const page = await alice.client.get(`/api/v1/lists/${list.id}/accounts?limit=1`);
    expect(page.headers.get('link')).toMatch(/rel="next"/);
    expect(await members('?limit=0')).toEqual(['carol', 'bob']);
    const lists = await alice.client.get<ListJson[]>(`/api/v1/accounts/${bob.accountId}/lists`);
    expect(lists.body.map((l) => l.title)).toEqual(['Members']);

    await alice.client.request('DELETE', `/api/v1/lists/${list.id}/accounts`, {
      json: { account_ids: [carol.accountId] },
    });
    expect(await members()).toEqual(['bob']);
    await alice.client.post(`/api/v1/accounts/${bob.accountId}/unfollow`);
    expect(await members()).toEqual([]);
    expect((await alice.client.get(`/api/v1/accounts/${bob.accountId}/lists`)).body).toEqual([]);
    await alice.client.post(`/api/v1/accounts/${bob.accountId}/follow`);
  });

  it('a list timeline shows its members, follows the replies policy, and paginates', async () => {
    const list = (await alice.client.post<ListJson>('/api/v1/lists', { title: 'Timeline' })).body;
    await alice.client.post(`/api/v1/lists/${list.id}/accounts`, {
      account_ids: [carol.accountId],
    });
    const aliceOwn = await post(alice, 'alice root');
    const bobs = await post(bob, 'bob root');
    const erins = await post(erin, 'erin root');
    const carols = await post(carol, 'carol 1');
    await post(carol, 'carol to self', { in_reply_to_id: carols.id });
    await post(carol, 'carol to alice', { in_reply_to_id: aliceOwn.id });
    await post(carol, 'carol to bob', { in_reply_to_id: bobs.id });
    await post(carol, 'carol to erin', { in_reply_to_id: erins.id });
    await post(carol, 'carol private', { visibility: 'private' });
    await post(carol, 'carol direct', { visibility: 'direct' });

    // `list`: replies to list members (and to self, and to the owner) only.
    expect(await listTimeline(list)).toEqual([
      'carol private',
      'carol to alice',
      'carol to self',
      'carol 1',
    ]);
    await alice.client.put(`/api/v1/lists/${list.id}`, { replies_policy: 'followed' });
    expect(await listTimeline(list)).toEqual([
      'carol private',
      'carol to bob',
      'carol to alice',
      'carol to self',
      'carol 1',
    ]);
    await alice.client.put(`/api/v1/lists/${list.id}`, { replies_policy: 'none' });
    expect(await listTimeline(list)).toEqual([
      'carol private',
      'carol to alice',
      'carol to self',
      'carol 1',
    ]);

    const first = await alice.client.get<StatusJson[]>(`/api/v1/timelines/list/${list.id}?limit=2`);
    expect(text(first.body)).toEqual(['carol private', 'carol to alice']);
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.get('link') ?? '')?.[1];
    expect(new URL(next!).searchParams.get('max_id')).toBe(first.body[1]!.id);
    expect(await listTimeline(list, `?limit=2&max_id=${first.body[1]!.id}`)).toEqual([
      'carol to self',
      'carol 1',
    ]);
    expect(await listTimeline(list, `?min_id=${first.body[1]!.id}`)).toEqual(['carol private']);

    // Muted members are hidden here as everywhere.
    await alice.client.post(`/api/v1/accounts/${carol.accountId}/mute`);
    expect(await listTimeline(list)).toEqual([]);
    await alice.client.post(`/api/v1/accounts/${carol.accountId}/unmute`);
  });

  it('an exclusive list takes its members out of the home timeline', async () => {
    const list = (
      await alice.client.post<ListJson>('/api/v1/lists', { title: 'Apart', exclusive: true })
    ).body;
    await post(dave, 'dave only in a list');
    const home = async () =>
      text((await alice.client.get<StatusJson[]>('/api/v1/timelines/home?limit=40')).body);
    expect(await home()).toContain('dave only in a list');
    await alice.client.post(`/api/v1/lists/${list.id}/accounts`, {
      account_ids: [dave.accountId],
    });
    expect(await home()).not.toContain('dave only in a list');
    expect(await listTimeline(list)).toEqual(['dave only in a list']);
    await alice.client.put(`/api/v1/lists/${list.id}`, { exclusive: false });
    expect(await home()).toContain('dave only in a list');
  });
});

describe('edit history', () => {
  let api: ApiHarness;
  let alice: Member;

  beforeAll(async () => {
    api = await startApi('status-history');
    const app = await registerApp(api.base);
    [alice] = await registerMembers(api.base, app, ['alice']);
  });
  afterAll(async () => {
    await api?.close();
  });

  it('returns every revision, oldest first, as Mastodon’s StatusEdit', async () => {
    const posted = (
      await alice.client.post<StatusJson>('/api/v1/statuses', { status: 'first draft' })
    ).body;
    type Edit = {
      content: string;
      spoiler_text: string;
      sensitive: boolean;
      created_at: string;
      account: { id: string };
      media_attachments: unknown[];
      emojis: unknown[];
    };
    const history = async () =>
      (await alice.client.get<Edit[]>(`/api/v1/statuses/${posted.id}/history`)).body;
    expect((await history()).map((e) => e.content)).toEqual(['<p>first draft</p>']);

    await alice.client.put(`/api/v1/statuses/${posted.id}`, { status: 'second draft' });
    await alice.client.put(`/api/v1/statuses/${posted.id}`, {
      status: 'final',
      spoiler_text: 'cw',
    });
    const edits = await history();
    expect(edits.map((e) => [e.content, e.spoiler_text, e.sensitive])).toEqual([
      ['<p>first draft</p>', '', false],
      ['<p>second draft</p>', '', false],
      ['<p>final</p>', 'cw', true],
    ]);
    expect(edits[0]!.created_at).toBe(posted.created_at);
    const times = edits.map((e) => Date.parse(e.created_at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    for (const edit of edits) {
      expect(edit).toMatchObject({
        account: { id: alice.accountId },
        media_attachments: [],
        emojis: [],
      });
    }
  });
});

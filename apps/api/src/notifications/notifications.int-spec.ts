import { registerApp, registerMembers, type Member } from '@fediflow/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from '../testing/api-harness.testing';
import type { StatusJson } from '../statuses/status.view';

interface Notification {
  id: string;
  type: string;
  account: { id: string };
  status?: StatusJson | null;
}

describe('notifications', () => {
  let api: ApiHarness;
  let alice: Member;
  let bob: Member;

  beforeAll(async () => {
    api = await startApi('notifications');
    const app = await registerApp(api.base);
    [alice, bob] = await registerMembers(api.base, app, ['alice', 'bob']);
    await bob.client.post(`/api/v1/accounts/${alice.accountId}/follow`);
    const { body } = await alice.client.post<StatusJson>('/api/v1/statuses', { status: 'hello' });
    await bob.client.post(`/api/v1/statuses/${body.id}/favourite`);
    await bob.client.post(`/api/v1/statuses/${body.id}/reblog`);
    await bob.client.post('/api/v1/statuses', { status: '@alice hi' });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('lists follow, favourite, reblog and mention, newest first, filterable', async () => {
    const all = await alice.client.get<Notification[]>('/api/v1/notifications');
    expect(all.body.map((n) => n.type)).toEqual(['mention', 'reblog', 'favourite', 'follow']);
    expect(all.body.every((n) => n.account.id === bob.accountId)).toBe(true);
    expect(all.body[0]?.status?.content).toContain('hi');
    const onlyFollows = await alice.client.get<Notification[]>(
      '/api/v1/notifications?types[]=follow',
    );
    expect(onlyFollows.body.map((n) => n.type)).toEqual(['follow']);
    const page = await alice.client.get<Notification[]>('/api/v1/notifications?limit=2');
    expect(page.body).toHaveLength(2);
    expect(page.headers.get('link')).toContain(`max_id=${page.body[1]?.id}`);
  });

  it('filters by type as Mastodon does: unknown types are ignored, exclusions apply', async () => {
    const types = async (query: string) => {
      const response = await alice.client.get<Notification[]>(`/api/v1/notifications?${query}`);
      expect(response.status, query).toBe(200);
      return response.body.map((n) => n.type);
    };
    // Phanpy's Mentions tab asks for a type this server never creates.
    expect(await types('types[]=mention&types[]=quote')).toEqual(['mention']);
    expect(await types('types[]=bogus')).toEqual([]);
    expect(await types('exclude_types[]=bogus')).toEqual([
      'mention',
      'reblog',
      'favourite',
      'follow',
    ]);
    expect(await types('exclude_types[]=mention&exclude_types[]=follow')).toEqual([
      'reblog',
      'favourite',
    ]);
    expect(await types('types[]=follow&types[]=favourite&exclude_types[]=follow')).toEqual([
      'favourite',
    ]);
    expect(await types('types=reblog')).toEqual(['reblog']);
    expect(await types(`account_id=${bob.accountId}&types[]=follow`)).toEqual(['follow']);
    expect(await types(`account_id=${alice.accountId}`)).toEqual([]);
    const badAccount = await alice.client.get('/api/v1/notifications?account_id=x');
    expect(badAccount.status).toBe(422);
  });

  it('shows, dismisses and clears only the member own notifications', async () => {
    const [first] = (await alice.client.get<Notification[]>('/api/v1/notifications')).body;
    expect(
      (await alice.client.get<Notification>(`/api/v1/notifications/${first!.id}`)).body.id,
    ).toBe(first!.id);
    expect((await bob.client.get(`/api/v1/notifications/${first!.id}`)).status).toBe(404);
    expect((await bob.client.post(`/api/v1/notifications/${first!.id}/dismiss`)).status).toBe(404);
    expect((await alice.client.post(`/api/v1/notifications/${first!.id}/dismiss`)).status).toBe(
      200,
    );
    expect((await alice.client.get<Notification[]>('/api/v1/notifications')).body).toHaveLength(3);
    expect((await alice.client.post('/api/v1/notifications/clear')).status).toBe(200);
    expect((await alice.client.get<Notification[]>('/api/v1/notifications')).body).toEqual([]);
  });
});

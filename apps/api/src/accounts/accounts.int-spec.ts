import {
  MastodonClient,
  registerApp,
  registerMember,
  registerMembers,
  type Member,
  type RegisteredApp,
  TEST_ORIGIN,
} from '@fediflow/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from '../testing/api-harness.testing';

interface Account {
  id: string;
  username: string;
  acct: string;
  display_name: string;
  note: string;
  locked: boolean;
  url: string;
  followers_count: number;
  following_count: number;
  source?: { note: string; email_digest: boolean; follow_requests_count: number };
}
interface Relationship {
  id: string;
  following: boolean;
  followed_by: boolean;
  requested: boolean;
}

describe('accounts and follows', () => {
  let api: ApiHarness;
  let app: RegisteredApp;
  let alice: Member;
  let bob: Member;
  let carol: Member;

  beforeAll(async () => {
    api = await startApi('accounts');
    app = await registerApp(api.base);
    [alice, bob, carol] = await registerMembers(api.base, app, ['alice', 'bob', 'carol']);
  });
  afterAll(async () => {
    await api?.close();
  });

  async function appClient(): Promise<MastodonClient> {
    const token = await new MastodonClient(api.base).request<{ access_token: string }>(
      'POST',
      '/oauth/token',
      {
        form: {
          grant_type: 'client_credentials',
          client_id: app.client_id,
          client_secret: app.client_secret,
          scope: 'write',
        },
      },
    );
    return new MastodonClient(api.base, token.body.access_token);
  }

  describe('registration', () => {
    it('names the field that is taken or invalid', async () => {
      const client = await appClient();
      const taken = await client.post<{
        error: string;
        details: Record<string, { error: string }[]>;
      }>('/api/v1/accounts', {
        username: 'ALICE',
        email: 'other@example.test',
        password: 'long enough password',
        agreement: true,
      });
      expect(taken.status).toBe(422);
      expect(taken.body.details['username']?.[0]?.error).toBe('ERR_TAKEN');

      const email = await client.post<{ error: string }>('/api/v1/accounts', {
        username: 'dave',
        email: 'not-an-email',
        password: 'long enough password',
        agreement: true,
      });
      expect(email.status).toBe(422);
      expect(email.body.error).toMatch(/^Validation failed: email/);

      const agreement = await client.post<{ error: string }>('/api/v1/accounts', {
        username: 'dave',
        email: 'dave@example.test',
        password: 'long enough password',
        agreement: false,
      });
      expect(agreement.status).toBe(422);
      expect(agreement.body.error).toMatch(/agreement/);
    });

    it('needs an app token with write scope, not anonymity', async () => {
      const anonymous = await new MastodonClient(api.base).post('/api/v1/accounts', {
        username: 'eve',
      });
      expect(anonymous.status).toBe(401);
    });

    it('is refused when registrations are closed', async () => {
      const closed = await startApi('accounts-closed', { REGISTRATIONS_OPEN: 'false' });
      try {
        const closedApp = await registerApp(closed.base);
        await expect(registerMember(closed.base, closedApp, 'frank')).rejects.toThrow(
          /403.*Registrations are closed/,
        );
      } finally {
        await closed.close();
      }
    });
  });

  it('verifies credentials and updates the profile, rendering the note safely', async () => {
    const updated = await alice.client.patch<Account>('/api/v1/accounts/update_credentials', {
      display_name: 'Alice A.',
      note: 'Hello <b>world</b> #intro',
      email_digest: true,
    });
    expect(updated.status).toBe(200);
    expect(updated.body.display_name).toBe('Alice A.');
    expect(updated.body.note).toContain('Hello &lt;b&gt;world&lt;/b&gt;');
    expect(updated.body.note).toContain(`href="${TEST_ORIGIN}/tags/intro"`);
    expect(updated.body.source).toMatchObject({
      note: 'Hello <b>world</b> #intro',
      email_digest: true,
    });
    const tooLong = await alice.client.patch<{ error: string }>(
      '/api/v1/accounts/update_credentials',
      {
        display_name: 'x'.repeat(31),
      },
    );
    expect(tooLong.status).toBe(422);
    expect(tooLong.body.error).toMatch(/display_name/);
  });

  it('looks accounts up by acct, with or without this instance as domain', async () => {
    const anonymous = new MastodonClient(api.base);
    const plain = await anonymous.get<Account>('/api/v1/accounts/lookup?acct=bob');
    expect(plain.body).toMatchObject({
      id: bob.accountId,
      acct: 'bob',
      url: `${TEST_ORIGIN}/@bob`,
    });
    const qualified = await anonymous.get<Account>(
      `/api/v1/accounts/lookup?acct=bob@${new URL(TEST_ORIGIN).host}`,
    );
    expect(qualified.body.id).toBe(bob.accountId);
    expect((await anonymous.get('/api/v1/accounts/lookup?acct=nobody')).status).toBe(404);
    expect((await anonymous.get('/api/v1/accounts/lookup')).status).toBe(422);
  });

  it('answers 404 for unknown and malformed ids, never 500', async () => {
    const anonymous = new MastodonClient(api.base);
    for (const id of ['999999999', 'abc', '1e5', '99999999999999999999999']) {
      const response = await anonymous.get<{ error: string }>(`/api/v1/accounts/${id}`);
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ error: 'Account not found' });
    }
  });

  it('follows and unfollows with counters, relationships and a notification', async () => {
    const follow = await alice.client.post<Relationship>(
      `/api/v1/accounts/${bob.accountId}/follow`,
    );
    expect(follow.body).toMatchObject({ id: bob.accountId, following: true, requested: false });
    // Following twice is a no-op.
    await alice.client.post(`/api/v1/accounts/${bob.accountId}/follow`);
    const bobAccount = await alice.client.get<Account>(`/api/v1/accounts/${bob.accountId}`);
    expect(bobAccount.body.followers_count).toBe(1);

    const relationships = await bob.client.get<Relationship[]>(
      `/api/v1/accounts/relationships?id[]=${alice.accountId}&id[]=${carol.accountId}`,
    );
    expect(relationships.body).toEqual([
      expect.objectContaining({ id: alice.accountId, following: false, followed_by: true }),
      expect.objectContaining({ id: carol.accountId, following: false, followed_by: false }),
    ]);

    const notifications =
      await bob.client.get<{ type: string; account: { id: string } }[]>('/api/v1/notifications');
    expect(notifications.body).toEqual([
      expect.objectContaining({
        type: 'follow',
        account: expect.objectContaining({ id: alice.accountId }),
      }),
    ]);

    const followers = await new MastodonClient(api.base).get<Account[]>(
      `/api/v1/accounts/${bob.accountId}/followers`,
    );
    expect(followers.body.map((account) => account.id)).toEqual([alice.accountId]);
    expect(followers.headers.get('link')).toContain('rel="next"');

    const unfollow = await alice.client.post<Relationship>(
      `/api/v1/accounts/${bob.accountId}/unfollow`,
    );
    expect(unfollow.body.following).toBe(false);
    expect(
      (await alice.client.get<Account>(`/api/v1/accounts/${alice.accountId}`)).body.following_count,
    ).toBe(0);
    expect(
      (await alice.client.post<{ error: string }>(`/api/v1/accounts/${alice.accountId}/follow`))
        .status,
    ).toBe(422);
  });

  it('turns follows of a locked account into requests its owner approves', async () => {
    await carol.client.patch('/api/v1/accounts/update_credentials', { locked: 'true' });
    const requested = await bob.client.post<Relationship>(
      `/api/v1/accounts/${carol.accountId}/follow`,
    );
    expect(requested.body).toMatchObject({ following: false, requested: true });

    const me = await carol.client.get<Account>('/api/v1/accounts/verify_credentials');
    expect(me.body.source?.follow_requests_count).toBe(1);
    const pending = await carol.client.get<Account[]>('/api/v1/follow_requests');
    expect(pending.body.map((account) => account.id)).toEqual([bob.accountId]);
    const notices = await carol.client.get<{ type: string }[]>('/api/v1/notifications');
    expect(notices.body.map((n) => n.type)).toEqual(['follow_request']);

    const approved = await carol.client.post<Relationship>(
      `/api/v1/follow_requests/${bob.accountId}/authorize`,
    );
    expect(approved.body).toMatchObject({ followed_by: true, requested_by: false });
    const after = await bob.client.get<Relationship[]>(
      `/api/v1/accounts/relationships?id=${carol.accountId}`,
    );
    expect(after.body[0]).toMatchObject({ following: true, requested: false });
    expect(
      (await carol.client.post(`/api/v1/follow_requests/${bob.accountId}/authorize`)).status,
    ).toBe(404);
  });

  it('needs a member token for member endpoints', async () => {
    const client = await appClient();
    const response = await client.get<{ error: string }>('/api/v1/accounts/verify_credentials');
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('This method requires an authenticated user');
  });
  it('unsubscribes from the digest by the e-mailed link, on a page naming the instance', async () => {
    await alice.client.patch('/api/v1/accounts/update_credentials', { email_digest: true });
    const [user]: { unsubscribe_token: string }[] = await api.db.query(
      `SELECT unsubscribe_token FROM users u JOIN accounts a ON a.id = u.account_id
        WHERE a.username = 'alice'`,
    );
    const confirm = await fetch(`${api.base}/email/unsubscribe?token=${user?.unsubscribe_token}`);
    expect(await confirm.text()).toContain('Stop the notification digest?');
    const unknown = await fetch(`${api.base}/email/unsubscribe?token=nope`, { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('Link not recognised');
    const done = await fetch(`${api.base}/email/unsubscribe`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: user?.unsubscribe_token ?? '' }).toString(),
    });
    expect(done.status).toBe(200);
    const page = await done.text();
    expect(page).toContain('<h1>Unsubscribed</h1>');
    expect(page).toContain('<div class="instance">FediFlow</div>');
    const [after]: { digest_enabled: boolean }[] = await api.db.query(
      `SELECT digest_enabled FROM users u JOIN accounts a ON a.id = u.account_id
        WHERE a.username = 'alice'`,
    );
    expect(after?.digest_enabled).toBe(false);
  });
});

import {
  MastodonClient,
  registerMember,
  signInAndAuthorize,
  type RunningService,
} from '@fediflow/testing';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMigratedApi, type ApiOnIsolatedInfrastructure } from './built-services';

const REDIRECT = 'https://client.example/callback';

interface Status {
  id: string;
  content: string;
  account: { id: string };
}

/**
 * A member's first session, using only the HTTP calls a Mastodon client makes, against the built
 * api service: app → sign-in with PKCE → token → post → follow → home timeline → notification.
 */
describe('member journey against the built api', () => {
  let server: ApiOnIsolatedInfrastructure;
  let api: RunningService;

  beforeAll(async () => {
    server = await startMigratedApi('journey', { PUBLIC_ORIGIN: 'https://journey.test' });
    api = server.api;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('goes from registration to a populated home timeline and a notification', async () => {
    const client = new MastodonClient(api.base);
    const app = await client.post<{ client_id: string; client_secret: string }>('/api/v1/apps', {
      client_name: 'Journey',
      redirect_uris: REDIRECT,
      scopes: 'read write follow',
    });
    expect(app.status).toBe(200);

    // Two members sign up (through an app token, as Mastodon's sign-up form does).
    const bob = await registerMember(
      api.base,
      { ...app.body, scopes: ['read', 'write', 'follow'] },
      'bob',
    );
    await registerMember(api.base, { ...app.body, scopes: ['read', 'write', 'follow'] }, 'alice');

    // Alice signs in on the authorization page with PKCE, as a native client would.
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const consent = await signInAndAuthorize(
      api.base,
      `response_type=code&client_id=${app.body.client_id}&redirect_uri=${encodeURIComponent(REDIRECT)}` +
        `&scope=read+write+follow&code_challenge=${challenge}&code_challenge_method=S256&state=s1`,
      { login: 'alice', password: 'pw-alice-correct-horse' },
    );
    expect(consent.status).toBe(302);
    const code = new URL(consent.headers.get('location')!).searchParams.get('code')!;
    const token = await client.request<{ access_token: string }>('POST', '/oauth/token', {
      form: {
        grant_type: 'authorization_code',
        client_id: app.body.client_id,
        code,
        redirect_uri: REDIRECT,
        code_verifier: verifier,
      },
    });
    expect(token.status).toBe(200);
    const alice = client.as(token.body.access_token);

    const bobAccount = await alice.get<{ id: string }>('/api/v1/accounts/lookup?acct=bob');
    const follow = await alice.post<{ following: boolean }>(
      `/api/v1/accounts/${bobAccount.body.id}/follow`,
    );
    expect(follow.body.following).toBe(true);

    const post = await bob.client.post<Status>('/api/v1/statuses', {
      status: 'Hello @alice, welcome!',
    });
    expect(post.status).toBe(200);

    const home = await alice.get<Status[]>('/api/v1/timelines/home');
    expect(home.body.map((status) => status.id)).toEqual([post.body.id]);
    expect(home.body[0]?.content).toContain('welcome!');

    const notifications =
      await alice.get<{ type: string; status?: Status }[]>('/api/v1/notifications');
    expect(notifications.body).toEqual([
      expect.objectContaining({
        type: 'mention',
        status: expect.objectContaining({ id: post.body.id }),
      }),
    ]);
    const bobNotifications = await bob.client.get<{ type: string }[]>('/api/v1/notifications');
    expect(bobNotifications.body.map((n) => n.type)).toEqual(['follow']);
  });
});

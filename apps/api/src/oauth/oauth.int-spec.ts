import {
  FormSession,
  hiddenFields,
  MastodonClient,
  registerApp,
  registerMember,
  signInAndAuthorize,
  startTcpProxy,
  type RegisteredApp,
  type TcpProxy,
  TEST_ORIGIN,
} from '@fediflow/testing';
import { createHash, randomBytes } from 'node:crypto';
import { get } from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApi, type ApiHarness } from '../testing/api-harness.testing';

const REDIRECT = 'https://client.example/callback';

describe('OAuth 2 against PostgreSQL and Redis', () => {
  let api: ApiHarness;
  let anonymous: MastodonClient;
  let app: RegisteredApp;

  beforeAll(async () => {
    // One trusted proxy hop, so a request can say it came over TLS (X-Forwarded-Proto).
    api = await startApi('oauth', { TRUST_PROXY_HOPS: '1' });
    anonymous = new MastodonClient(api.base);
    const registered = await anonymous.post<
      RegisteredApp & { redirect_uris: string[]; scopes: string[] }
    >('/api/v1/apps', {
      client_name: 'Tusky <b>test</b>',
      website: 'https://tusky.example/',
      redirect_uris: [REDIRECT, 'urn:ietf:wg:oauth:2.0:oob'],
      scopes: 'read write follow',
    });
    expect(registered.status).toBe(200);
    expect(registered.body.redirect_uris).toEqual([REDIRECT, 'urn:ietf:wg:oauth:2.0:oob']);
    expect(registered.body.scopes).toEqual(['read', 'write', 'follow']);
    app = registered.body;
    await registerMember(api.base, app, 'alice');
  });
  afterAll(async () => {
    await api?.close();
  });

  function pkce() {
    const verifier = randomBytes(32).toString('base64url');
    return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
  }

  const query = (params: Record<string, string> = {}) =>
    new URLSearchParams({
      response_type: 'code',
      client_id: app.client_id,
      redirect_uri: REDIRECT,
      scope: 'read write',
      ...params,
    }).toString();
  const alicePassword = 'pw-alice-correct-horse';

  /** A browser session signed in as alice, on the consent screen of `params`. */
  async function consentScreen(params: Record<string, string> = {}, remember = false) {
    const session = new FormSession(api.base);
    const signIn = await session.get(`/oauth/authorize?${query(params)}`);
    const signedIn = await session.submit(signIn, '/oauth/sign_in', {
      login: 'alice',
      password: alicePassword,
      ...(remember ? { remember: '1' } : {}),
    });
    expect(signedIn.status).toBe(303);
    const consent = await session.get(signedIn.headers.get('location')!);
    expect(consent.status).toBe(200);
    return { session, signedIn, consent };
  }

  it('publishes authorization server metadata', async () => {
    const { status, body } = await anonymous.get<Record<string, unknown>>(
      '/.well-known/oauth-authorization-server',
    );
    expect(status).toBe(200);
    expect(body).toMatchObject({
      issuer: `${TEST_ORIGIN}/`,
      token_endpoint: `${TEST_ORIGIN}/oauth/token`,
      code_challenge_methods_supported: ['S256'],
    });
  });

  it('rejects app registrations without a usable redirect URI or with unknown scopes', async () => {
    const noRedirect = await anonymous.post<{ error: string }>('/api/v1/apps', {
      client_name: 'x',
    });
    expect(noRedirect.status).toBe(422);
    expect(noRedirect.body.error).toMatch(/redirect_uris/);
    const script = await anonymous.post('/api/v1/apps', {
      client_name: 'x',
      redirect_uris: 'javascript:alert(1)',
    });
    expect(script.status).toBe(422);
    const scopes = await anonymous.post<{ error: string }>('/api/v1/apps', {
      client_name: 'x',
      redirect_uris: REDIRECT,
      scopes: 'read admin:everything',
    });
    expect(scopes.status).toBe(422);
    expect(scopes.body.error).toMatch(/scopes/);
  });

  it('renders the sign-in page with the app name escaped, and refuses unknown clients', async () => {
    const page = await anonymous.get<string>(
      `/oauth/authorize?response_type=code&client_id=${app.client_id}&redirect_uri=${encodeURIComponent(REDIRECT)}&scope=read`,
    );
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.body).toContain('Tusky &lt;b&gt;test&lt;/b&gt;');
    expect(page.body).not.toContain('<b>test</b>');
    expect(page.body).toContain('<label for="login">Username or e-mail address</label>');
    expect(page.body).toContain('Sign in to FediFlow');
    const unknown = await anonymous.get(
      `/oauth/authorize?client_id=nope&redirect_uri=${encodeURIComponent(REDIRECT)}`,
    );
    expect(unknown.status).toBe(400);
    const foreignRedirect = await anonymous.get(
      `/oauth/authorize?client_id=${app.client_id}&redirect_uri=${encodeURIComponent('https://evil.example/')}`,
    );
    expect(foreignRedirect.status).toBe(400);
    expect(foreignRedirect.headers.get('location')).toBeNull();
  });

  it('runs the authorization-code flow with PKCE, single use', async () => {
    const { verifier, challenge } = pkce();
    const approved = await signInAndAuthorize(
      api.base,
      query({ state: 'xyz', code_challenge: challenge, code_challenge_method: 'S256' }),
      { login: 'alice', password: alicePassword },
    );
    expect(approved.status).toBe(302);
    const location = new URL(approved.headers.get('location')!);
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
    expect(location.searchParams.get('state')).toBe('xyz');
    const code = location.searchParams.get('code')!;

    const exchange = (codeVerifier: string) =>
      anonymous.request<{ access_token?: string; scope?: string; error?: string }>(
        'POST',
        '/oauth/token',
        {
          form: {
            grant_type: 'authorization_code',
            client_id: app.client_id,
            code,
            redirect_uri: REDIRECT,
            code_verifier: codeVerifier,
          },
        },
      );
    const wrong = await exchange(pkce().verifier);
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe('invalid_grant');

    const token = await exchange(verifier);
    expect(token.status).toBe(200);
    expect(token.body.scope).toBe('read write');
    const me = await anonymous
      .as(token.body.access_token!)
      .get<{ username: string }>('/api/v1/accounts/verify_credentials');
    expect(me.body.username).toBe('alice');

    const reused = await exchange(verifier);
    expect(reused.body.error).toBe('invalid_grant');
  });

  it('signs in by username or e-mail; a wrong password shows the form again with 401', async () => {
    const session = new FormSession(api.base);
    const page = await session.get(`/oauth/authorize?${query()}`);
    const wrong = await session.submit(page, '/oauth/sign_in', {
      login: 'alice',
      password: 'nope',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain('Invalid username, e-mail address or password.');
    expect(wrong.body).toContain('value="alice"');
    expect(session.cookie('fediflow_session')).toBeUndefined();
    for (const login of ['alice@example.test', 'ALICE', '@alice']) {
      const browser = new FormSession(api.base);
      const form = await browser.get(`/oauth/authorize?${query()}`);
      const signedIn = await browser.submit(form, '/oauth/sign_in', {
        login,
        password: alicePassword,
      });
      expect(signedIn.status, login).toBe(303);
    }
  });

  it('shows a consent screen: who asks, for what in words, where it sends you, as whom', async () => {
    const { consent, signedIn } = await consentScreen({ scope: 'read write:statuses follow' });
    expect(consent.body).toContain('<h1>Authorize Tusky &lt;b&gt;test&lt;/b&gt;</h1>');
    expect(consent.body).toContain('href="https://tusky.example/"');
    expect(consent.body).toContain('Signed in as <strong>alice</strong>');
    expect(consent.body).toContain('@alice@fediflow.test');
    expect(consent.body).toContain('Not you? Switch account');
    expect(consent.body).toContain('See all of your account');
    expect(consent.body).toContain('Change your posts');
    expect(consent.body).toContain('Follow, unfollow, block and mute accounts');
    expect(consent.body).toContain(`You will then be sent to <span class="redirect">${REDIRECT}`);
    expect(consent.body).toContain('FediFlow');
    // The session cookie: HttpOnly, SameSite=Lax, only for the OAuth pages; over plain HTTP not
    // Secure, and without "keep me signed in" gone when the browser closes.
    const cookie = signedIn.headers.getSetCookie().find((c) => c.startsWith('fediflow_session='));
    expect(cookie).toMatch(/; Path=\/oauth; HttpOnly; SameSite=Lax$/);
  });

  it('remembers the session: later requests go straight to consent; the cookie is Secure behind TLS', async () => {
    const { session, signedIn } = await consentScreen({}, true);
    const cookie = signedIn.headers.getSetCookie().find((c) => c.startsWith('fediflow_session='));
    expect(cookie).toContain('; Max-Age=2592000');
    const again = await session.get(`/oauth/authorize?${query({ state: 'again' })}`);
    expect(again.body).toContain('Signed in as');
    expect(again.body).not.toContain('name="password"');
    // force_login=true (multi-account clients) asks for a fresh sign-in all the same.
    const forced = await session.get(`/oauth/authorize?${query({ force_login: 'true' })}`);
    expect(forced.body).toContain('name="password"');
    expect(forced.body).not.toContain('force_login');

    const tls = new FormSession(api.base);
    const page = await tls.request('GET', `/oauth/authorize?${query()}`, undefined, {
      'x-forwarded-proto': 'https',
    });
    expect(page.headers.getSetCookie()[0]).toContain('; Secure');
    const secure = await tls.request(
      'POST',
      '/oauth/sign_in',
      { ...hiddenFields(page.body, '/oauth/sign_in'), login: 'alice', password: alicePassword },
      { 'x-forwarded-proto': 'https' },
    );
    expect(secure.headers.getSetCookie().join()).toMatch(/fediflow_session=[^;]+;.*; Secure/);
    // TLS ended at the gateway, which keeps the public Host: Secure too. (fetch cannot set Host.)
    const viaGateway = await new Promise<string[]>((resolve, reject) => {
      const url = new URL(`/oauth/authorize?${query()}`, api.base);
      get(url, { headers: { host: new URL(TEST_ORIGIN).host } }, (response) => {
        response.resume();
        resolve(response.headers['set-cookie'] ?? []);
      }).on('error', reject);
    });
    expect(viaGateway[0]).toMatch(/^fediflow_csrf=.*; Secure$/);
  });

  it('refuses forms without the CSRF token or from another site with 403', async () => {
    const session = new FormSession(api.base);
    const page = await session.get(`/oauth/authorize?${query()}`);
    const fields: Record<string, string> = {
      ...hiddenFields(page.body, '/oauth/sign_in'),
      login: 'alice',
    };
    const sent = (form: Record<string, string>, headers?: Record<string, string>) =>
      session.request('POST', '/oauth/sign_in', { ...form, password: alicePassword }, headers);
    expect((await sent({ ...fields, authenticity_token: 'x'.repeat(43) })).status).toBe(403);
    const withoutToken = { ...fields };
    delete withoutToken['authenticity_token'];
    expect((await sent(withoutToken)).status).toBe(403);
    expect((await sent(fields, { origin: 'https://evil.example' })).status).toBe(403);
    // What a browser sends from a sandboxed frame or a no-referrer page: not provably ours.
    expect((await sent(fields, { origin: 'null' })).status).toBe(403);
    // A page elsewhere cannot read the cookie, so a token alone is not enough.
    const noCookie = await new FormSession(api.base).request('POST', '/oauth/sign_in', {
      ...fields,
      password: alicePassword,
    });
    expect(noCookie.status).toBe(403);
    expect(session.cookie('fediflow_session')).toBeUndefined();
    expect((await sent(fields)).status).toBe(303);
  });

  it('switches account: signing out ends the session on the server and shows the sign-in form', async () => {
    const { session, consent } = await consentScreen({ state: 'sw' });
    const stolen = session.cookie('fediflow_session')!;
    const signedOut = await session.submit(consent, '/oauth/sign_out');
    expect(signedOut.status).toBe(303);
    const back = await session.get(signedOut.headers.get('location')!);
    expect(back.body).toContain('name="password"');
    expect(back.body).toContain('name="state" value="sw"');
    // The old cookie no longer signs anyone in.
    const replay = await fetch(`${api.base}/oauth/authorize?${query()}`, {
      headers: { cookie: `fediflow_session=${stolen}` },
    });
    expect(await replay.text()).not.toContain('Signed in as');
    const garbled = await fetch(`${api.base}/oauth/authorize?${query()}`, {
      headers: { cookie: 'fediflow_session=%E0%A4%A; fediflow_csrf=%' },
    });
    expect(garbled.status).toBe(200);
  });

  it('redirects access_denied on deny, and sends a signed-out approval back to sign in', async () => {
    const { session, consent } = await consentScreen({ state: 's' });
    const denied = await session.submit(consent, '/oauth/authorize', { decision: 'deny' });
    expect(denied.status).toBe(302);
    const location = new URL(denied.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('s');

    const stranger = new FormSession(api.base);
    const page = await stranger.get(`/oauth/authorize?${query()}`);
    const approve = await stranger.request('POST', '/oauth/authorize', {
      ...hiddenFields(page.body, '/oauth/sign_in'),
      decision: 'approve',
    });
    expect(approve.status).toBe(303);
    expect(approve.headers.get('location')).toMatch(/^\/oauth\/authorize\?/);
  });

  it('shows the code for out-of-band clients', async () => {
    const approved = await signInAndAuthorize(
      api.base,
      query({ redirect_uri: 'urn:ietf:wg:oauth:2.0:oob' }),
      { login: 'alice@example.test', password: alicePassword },
    );
    expect(approved.status).toBe(200);
    expect(approved.body).toContain('Copy this code into the application');
  });

  it('issues tokens by password and client credentials, and enforces registered scopes', async () => {
    const password = await anonymous.request<{ access_token: string }>('POST', '/oauth/token', {
      form: {
        grant_type: 'password',
        client_id: app.client_id,
        client_secret: app.client_secret,
        username: 'alice@example.test',
        password: 'pw-alice-correct-horse',
        scope: 'read',
      },
    });
    expect(password.status).toBe(200);
    const readOnly = anonymous.as(password.body.access_token);
    const post = await readOnly.post<{ error: string }>('/api/v1/statuses', { status: 'hello' });
    expect(post.status).toBe(403);
    expect(post.body.error).toBe('This action is outside the authorized scopes');

    const tooMuch = await anonymous.request<{ error: string }>('POST', '/oauth/token', {
      form: {
        grant_type: 'client_credentials',
        client_id: app.client_id,
        client_secret: app.client_secret,
        scope: 'push',
      },
    });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.error).toBe('invalid_scope');

    const badSecret = await anonymous.request<{ error: string }>('POST', '/oauth/token', {
      form: { grant_type: 'client_credentials', client_id: app.client_id, client_secret: 'wrong' },
    });
    expect(badSecret.status).toBe(401);
    expect(badSecret.body.error).toBe('invalid_client');

    const grant = await anonymous.request<{ error: string }>('POST', '/oauth/token', {
      form: { grant_type: 'implicit' },
    });
    expect(grant.body.error).toBe('unsupported_grant_type');
  });

  it('revokes tokens', async () => {
    const issued = await anonymous.request<{ access_token: string }>('POST', '/oauth/token', {
      form: {
        grant_type: 'password',
        client_id: app.client_id,
        client_secret: app.client_secret,
        username: 'alice@example.test',
        password: 'pw-alice-correct-horse',
      },
    });
    const client = anonymous.as(issued.body.access_token);
    expect((await client.get('/api/v1/accounts/verify_credentials')).status).toBe(200);
    const revoked = await anonymous.request('POST', '/oauth/revoke', {
      form: {
        client_id: app.client_id,
        client_secret: app.client_secret,
        token: issued.body.access_token,
      },
    });
    expect(revoked.status).toBe(200);
    const after = await client.get<{ error: string }>('/api/v1/accounts/verify_credentials');
    expect(after.status).toBe(401);
    expect(after.body.error).toBe('The access token is invalid');
    expect(after.headers.get('www-authenticate')).toContain('Bearer');
  });

  it('stores only digests of secrets', async () => {
    const rows: { client_secret_hash: string }[] = await api.db.query(
      `SELECT client_secret_hash FROM oauth_applications WHERE client_id = $1`,
      [app.client_id],
    );
    expect(rows[0]?.client_secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]?.client_secret_hash).not.toBe(app.client_secret);
    const [user]: { password_hash: string }[] = await api.db.query(
      `SELECT password_hash FROM users LIMIT 1`,
    );
    expect(user?.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
  });
});

describe('signing in while Redis is lost', () => {
  let proxy: TcpProxy;
  let api: ApiHarness;

  beforeAll(async () => {
    const redis = new URL(inject('testServers').redisUrl);
    proxy = await startTcpProxy({ host: redis.hostname, port: Number(redis.port || 6379) });
    const through = new URL(redis);
    through.hostname = '127.0.0.1';
    through.port = String(proxy.port);
    api = await startApi('oauth-redis-lost', { REDIS_URL: through.toString() });
  });
  afterAll(async () => {
    await api?.close();
    await proxy?.close();
  });

  it('answers the sign-in page with a fast 503, not a hang or a 500', async () => {
    const app = await registerApp(api.base);
    await registerMember(api.base, app, 'dora');
    const session = new FormSession(api.base);
    const page = await session.get(
      `/oauth/authorize?client_id=${app.client_id}&redirect_uri=urn:ietf:wg:oauth:2.0:oob`,
    );
    expect(page.status).toBe(200);
    await proxy.close();
    const started = Date.now();
    const signIn = await session.submit(page, '/oauth/sign_in', {
      login: 'dora',
      password: 'pw-dora-correct-horse',
    });
    expect(signIn.status).toBe(503);
    expect(signIn.body).toContain('Sign-in is unavailable');
    expect(signIn.headers.get('retry-after')).toBe('30');
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

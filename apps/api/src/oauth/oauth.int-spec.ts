import { MastodonClient, registerMember, type RegisteredApp } from '@fediflow/testing';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, TEST_ORIGIN, type ApiHarness } from '../testing/api-harness.testing';

const REDIRECT = 'https://client.example/callback';

describe('OAuth 2 against PostgreSQL and Redis', () => {
  let api: ApiHarness;
  let anonymous: MastodonClient;
  let app: RegisteredApp;

  beforeAll(async () => {
    api = await startApi('oauth');
    anonymous = new MastodonClient(api.base);
    const registered = await anonymous.post<
      RegisteredApp & { redirect_uris: string[]; scopes: string[] }
    >('/api/v1/apps', {
      client_name: 'Tusky <b>test</b>',
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

  async function authorize(params: Record<string, string>, form: Record<string, string>) {
    return anonymous.request('POST', '/oauth/authorize', {
      form: {
        client_id: app.client_id,
        redirect_uri: REDIRECT,
        scope: 'read write',
        ...params,
        ...form,
      },
    });
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
    const approved = await authorize(
      { state: 'xyz', code_challenge: challenge, code_challenge_method: 'S256' },
      { email: 'alice@example.test', password: 'pw-alice-correct-horse', decision: 'approve' },
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

  it('shows the form again with 401 for a wrong password, and redirects access_denied on deny', async () => {
    const wrong = await authorize(
      {},
      { email: 'alice@example.test', password: 'nope', decision: 'approve' },
    );
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain('Invalid e-mail address or password');
    const denied = await authorize({ state: 's' }, { decision: 'deny' });
    expect(denied.status).toBe(302);
    expect(new URL(denied.headers.get('location')!).searchParams.get('error')).toBe(
      'access_denied',
    );
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

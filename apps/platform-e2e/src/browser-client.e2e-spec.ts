import {
  MastodonClient,
  registerApp,
  registerMembers,
  type Member,
  type RunningService,
} from '@fediflow/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMigratedApi, type ApiOnIsolatedInfrastructure } from './built-services';
import { CHROMIUM, CHROMIUM_ARGS, requireChromium, screenshotIfFailed } from './chromium';

/** A web client's page: served from its own origin (another port), calling the API with fetch. */
function startClientSite(): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://client').pathname;
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(
      path === '/callback'
        ? '<!doctype html><title>Signed in</title><h1>Back at the client</h1>'
        : '<!doctype html><title>Web client</title><h1>Web client</h1>',
    );
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({ server, origin: `http://127.0.0.1:${port}` });
    });
  });
}

interface BrowserResponse {
  ok: boolean;
  status: number;
  body: unknown;
  link: string | null;
  rateLimitRemaining: string | null;
  error?: string;
}

/**
 * A Mastodon web client (Phanpy, Elk) in Chromium on another origin: edits, deletes, profile
 * changes and filtered notifications through CORS, and the OAuth sign-in → consent → redirect.
 */
describe('a web client in Chromium against the built api', () => {
  let server: ApiOnIsolatedInfrastructure;
  let api: RunningService;
  let site: { server: Server; origin: string };
  let context: BrowserContext;
  let profileDir: string;
  let page: Page;
  let alice: Member;
  let bob: Member;
  let clientApp: { client_id: string; client_secret: string };

  beforeAll(async () => {
    requireChromium();
    server = await startMigratedApi('browser', {
      PUBLIC_ORIGIN: 'https://browser.test',
      RATE_LIMIT_ENABLED: 'true',
    });
    api = server.api;
    site = await startClientSite();
    const app = await registerApp(api.base);
    [alice, bob] = await registerMembers(api.base, app, ['alice', 'bob']);
    const registered = await new MastodonClient(api.base).post<typeof clientApp>('/api/v1/apps', {
      client_name: 'Phanpy',
      website: 'https://phanpy.example',
      redirect_uris: `${site.origin}/callback`,
      scopes: 'read write follow',
    });
    clientApp = registered.body;

    profileDir = mkdtempSync(join(tmpdir(), 'fediflow-chromium-'));
    context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', ...CHROMIUM_ARGS],
    });
  });
  afterAll(async () => {
    await context?.close();
    if (profileDir) rmSync(profileDir, { recursive: true, force: true });
    await new Promise((resolve) => (site?.server ? site.server.close(resolve) : resolve(null)));
    await server?.stop();
  });

  beforeEach(async () => {
    page = await context.newPage();
  });
  afterEach(async ({ task }) => {
    await screenshotIfFailed(page, task, 'browser');
    await page.close();
  });

  /** `fetch` run inside the client's page, so Chromium applies CORS (preflights included). */
  function call(
    token: string | undefined,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<BrowserResponse> {
    return page.evaluate(
      async ({ url, method, token, body }) => {
        try {
          const response = await fetch(url, {
            method,
            headers: {
              ...(token ? { authorization: `Bearer ${token}` } : {}),
              ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            },
            body: body === undefined ? undefined : JSON.stringify(body),
          });
          const text = await response.text();
          return {
            ok: response.ok,
            status: response.status,
            body: text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text,
            link: response.headers.get('link'),
            rateLimitRemaining: response.headers.get('x-ratelimit-remaining'),
          };
        } catch (error) {
          const failed = { ok: false, status: 0, body: null, link: null, rateLimitRemaining: null };
          return { ...failed, error: String(error) };
        }
      },
      { url: `${api.base}${path}`, method, token, body },
    );
  }

  it('edits, reads the source of, and deletes a post, and edits the profile, from another origin', async () => {
    // Chromium reports its CORS preflights to DevTools: record which methods it asked for.
    const devtools = await context.newCDPSession(page);
    await devtools.send('Network.enable');
    const preflights: { method: string; status: number }[] = [];
    const asked = new Map<string, string>();
    devtools.on('Network.requestWillBeSent', (event) => {
      if (event.request.method !== 'OPTIONS') return;
      const headers = Object.entries(event.request.headers);
      const method = headers.find(([name]) => /^access-control-request-method$/i.test(name));
      asked.set(event.requestId, String(method?.[1] ?? ''));
    });
    devtools.on('Network.responseReceived', (event) => {
      const method = asked.get(event.requestId);
      if (method !== undefined) preflights.push({ method, status: event.response.status });
    });
    await page.goto(site.origin);
    expect(new URL(page.url()).origin).toBe(site.origin);
    const token = alice.client.token;

    const created = await call(token, 'POST', '/api/v1/statuses', { status: 'frist post' });
    expect(created.status).toBe(200);
    const id = (created.body as { id: string }).id;
    const edited = await call(token, 'PUT', `/api/v1/statuses/${id}`, { status: 'first post' });
    expect(edited.status, edited.error).toBe(200);
    expect((edited.body as { edited_at: string | null }).edited_at).not.toBeNull();
    const source = await call(token, 'GET', `/api/v1/statuses/${id}/source`);
    expect(source.body).toEqual({ id, text: 'first post', spoiler_text: '' });
    const profile = await call(token, 'PATCH', '/api/v1/accounts/update_credentials', {
      display_name: 'Alice in Chromium',
    });
    expect(profile.status, profile.error).toBe(200);
    expect((profile.body as { display_name: string }).display_name).toBe('Alice in Chromium');
    const deleted = await call(token, 'DELETE', `/api/v1/statuses/${id}`);
    expect(deleted.status, deleted.error).toBe(200);
    expect((deleted.body as { text: string }).text).toBe('first post');
    expect((await call(token, 'GET', `/api/v1/statuses/${id}`)).status).toBe(404);
    // A status never edited: its URL has no cached preflight, so DELETE is asked for itself.
    const other = await call(token, 'POST', '/api/v1/statuses', { status: 'short-lived' });
    const otherId = (other.body as { id: string }).id;
    expect((await call(token, 'DELETE', `/api/v1/statuses/${otherId}`)).status).toBe(200);
    // Chromium preflighted each write (a preflight it caches per URL covers the later methods
    // the answer listed, so the DELETE after PUT on the same URL needed none) and got 200.
    const methods = preflights.map((preflight) => preflight.method);
    expect(methods).toEqual(expect.arrayContaining(['POST', 'PUT', 'PATCH', 'DELETE']));
    expect(preflights.map((preflight) => preflight.status)).toEqual(methods.map(() => 200));

    // The sign-in page is no API: Chromium refuses to let another origin read or post to it.
    const page2 = await call(undefined, 'POST', '/oauth/authorize', { decision: 'approve' });
    expect(page2.status).toBe(0);
    expect(page2.error).toMatch(/Failed to fetch/);
  });

  it('filters notifications as Phanpy asks, reading the Link header for the next page', async () => {
    await page.goto(site.origin);
    await bob.client.post(`/api/v1/accounts/${alice.accountId}/follow`);
    for (const text of ['one', 'two', 'three']) {
      await bob.client.post('/api/v1/statuses', { status: `@alice ${text}` });
    }
    const token = alice.client.token;
    const mentions = await call(
      token,
      'GET',
      '/api/v1/notifications?types[]=mention&types[]=quote&limit=2',
    );
    expect(mentions.status).toBe(200);
    const types = (mentions.body as { type: string }[]).map((n) => n.type);
    expect(types).toEqual(['mention', 'mention']);
    // Link and the rate-limit headers are exposed, so the client can page on and slow down.
    expect(mentions.link).toContain('rel="next"');
    expect(Number(mentions.rateLimitRemaining)).toBeGreaterThan(0);
    const rest = await call(
      token,
      'GET',
      '/api/v1/notifications?exclude_types[]=mention&exclude_types[]=annual_report',
    );
    expect((rest.body as { type: string }[]).map((n) => n.type)).toEqual(['follow']);
  });

  it('signs in, consents and returns to the client with a code; the session is remembered', async () => {
    const authorizeUrl = (state: string) =>
      `${api.base}/oauth/authorize?${new URLSearchParams({
        response_type: 'code',
        client_id: clientApp.client_id,
        redirect_uri: `${site.origin}/callback`,
        scope: 'read write',
        state,
      })}`;
    await page.goto(authorizeUrl('first'));
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(
      'Sign in to FediFlow',
    );
    await page.getByLabel('Username or e-mail address').fill('alice');
    await page.getByLabel('Password', { exact: true }).fill('pw-alice-correct-horse');
    await page.getByLabel('Keep me signed in on this device').check();
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByRole('heading', { name: 'Authorize Phanpy' }).waitFor();
    const consent = await page.locator('main').innerText();
    expect(consent).toContain('Signed in as');
    expect(consent).toContain('@alice@browser.test');
    expect(consent).toContain('https://phanpy.example');
    expect(consent).toContain('See all of your account');
    expect(consent).toContain(`You will then be sent to ${site.origin}/callback`);
    await page.getByRole('button', { name: 'Authorize' }).click();
    await page.waitForURL(`${site.origin}/callback?**`);
    const back = new URL(page.url());
    expect(back.searchParams.get('state')).toBe('first');
    const token = await new MastodonClient(api.base).request<{ access_token: string }>(
      'POST',
      '/oauth/token',
      {
        form: {
          grant_type: 'authorization_code',
          client_id: clientApp.client_id,
          client_secret: clientApp.client_secret,
          code: back.searchParams.get('code') ?? '',
          redirect_uri: `${site.origin}/callback`,
        },
      },
    );
    expect(token.status).toBe(200);

    // Remembered: the next authorization goes straight to consent; "Not you?" signs out.
    await page.goto(authorizeUrl('second'));
    await page.getByRole('heading', { name: 'Authorize Phanpy' }).waitFor();
    await page.getByRole('button', { name: 'Not you? Switch account' }).click();
    await page.getByLabel('Username or e-mail address').waitFor();
    await page.getByLabel('Username or e-mail address').fill('bob@example.test');
    await page.getByLabel('Password', { exact: true }).fill('pw-bob-correct-horse');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.locator('main').innerText()).resolves.toContain('@bob@browser.test');
    await page.getByRole('button', { name: 'Deny' }).click();
    await page.waitForURL(`${site.origin}/callback?**`);
    expect(new URL(page.url()).searchParams.get('error')).toBe('access_denied');
  });
});

import {
  freePort,
  registerApp,
  registerMembers,
  type Member,
  type RunningService,
} from '@fediflow/testing';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMigratedApi, type ApiOnIsolatedInfrastructure } from './built-services';
import { CHROMIUM, CHROMIUM_ARGS, requireChromium, screenshotIfFailed } from './chromium';

/**
 * What a visitor's browser sees at the instance's address, a member's profile link and a post
 * link: server-rendered HTML with link-preview tags, read in Chromium with JavaScript off.
 */
describe('public pages in Chromium against the built api', () => {
  let server: ApiOnIsolatedInfrastructure;
  let api: RunningService;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let alice: Member;
  let publicId: string;
  let privateId: string;

  beforeAll(async () => {
    requireChromium();
    const port = await freePort();
    // The browser follows the pages' own absolute links (avatars), so the origin is loopback.
    server = await startMigratedApi(
      'public-pages',
      { PUBLIC_ORIGIN: `http://127.0.0.1:${port}` },
      port,
    );
    api = server.api;
    [alice] = await registerMembers(api.base, await registerApp(api.base), ['alice']);
    await alice.client.patch('/api/v1/accounts/update_credentials', {
      display_name: 'Alice <Liddell>',
      note: 'Curiouser and curiouser.',
      fields_attributes: [{ name: 'Site', value: 'https://alice.example' }],
    });
    publicId = (
      await alice.client.post<{ id: string }>('/api/v1/statuses', {
        status: 'Down the rabbit hole #wonderland',
      })
    ).body.id;
    privateId = (
      await alice.client.post<{ id: string }>('/api/v1/statuses', {
        status: 'only for followers',
        visibility: 'private',
      })
    ).body.id;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    context = await browser.newContext({ javaScriptEnabled: false });
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.stop();
  });

  beforeEach(async () => {
    page = await context.newPage();
  });
  afterEach(async ({ task }) => {
    await screenshotIfFailed(page, task, 'public-pages');
    await page.close();
  });

  const meta = (property: string) =>
    page.locator(`meta[property="${property}"]`).getAttribute('content');

  it('shows the front page: about, sign-up, recent public posts only', async () => {
    const response = await page.goto(`${api.base}/`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toMatch(/^text\/html/);
    expect(await page.title()).toBe('FediFlow');
    await expect(page.locator('h1').textContent()).resolves.toBe('FediFlow');
    expect(await page.locator('main').textContent()).toContain('Registrations are open');
    const posts = page.locator('article.status');
    expect(await posts.count()).toBe(1);
    expect(await posts.first().textContent()).toContain('Down the rabbit hole');
    expect(await meta('og:type')).toBe('website');
  });

  it('shows a profile with preview tags, rel="me" links and an avatar that loads', async () => {
    const response = await page.goto(`${api.base}/@alice`);
    expect(response?.status()).toBe(200);
    // The display name is text, never markup.
    expect(await page.locator('h1').textContent()).toBe('Alice <Liddell>');
    expect(await page.title()).toBe(`Alice <Liddell> (@alice@127.0.0.1:${new URL(api.base).port})`);
    expect(await meta('og:type')).toBe('profile');
    expect(await meta('og:description')).toBe('Curiouser and curiouser.');
    expect(await meta('og:url')).toBe(`${api.base}/@alice`);
    expect(await page.locator('meta[name="twitter:card"]').getAttribute('content')).toBe('summary');
    const link = page.locator('dl.fields a');
    expect(await link.getAttribute('href')).toBe('https://alice.example');
    expect((await link.getAttribute('rel'))?.split(' ')).toContain('me');
    const avatar = page.locator('.profile img');
    expect(await avatar.getAttribute('alt')).toBe('Avatar of Alice <Liddell>');
    const avatarResponse = await page.request.get((await avatar.getAttribute('src')) ?? '');
    expect(avatarResponse.headers()['content-type']).toBe('image/png');
    expect(await page.locator('article.status').count()).toBe(1);
  });

  it('shows a public post with preview tags, and 404 pages for hidden or unknown ones', async () => {
    const response = await page.goto(`${api.base}/@alice/${publicId}`);
    expect(response?.status()).toBe(200);
    expect(await meta('og:type')).toBe('article');
    expect(await meta('og:description')).toBe('Down the rabbit hole #wonderland');
    expect(await page.locator('article.status .content').textContent()).toContain(
      'Down the rabbit hole',
    );
    expect(await page.locator('article.status a.hashtag').getAttribute('href')).toBe(
      `${api.base}/tags/wonderland`,
    );

    for (const path of [
      `/@alice/${privateId}`,
      '/@nobody',
      `/@nobody/${publicId}`,
      '/@alice/x',
      '/@alice/9999999999999999999',
    ]) {
      const missing = await page.goto(`${api.base}${path}`);
      expect(missing?.status(), path).toBe(404);
      expect(missing?.headers()['content-type'], path).toMatch(/^text\/html/);
      expect(await page.locator('h1').textContent(), path).toBe('This page does not exist');
    }
  });

  it('sends ActivityPub clients at the same addresses to the actor and the object', async () => {
    const headers = { accept: 'application/activity+json' };
    const profile = await fetch(`${api.base}/@alice`, { headers, redirect: 'manual' });
    expect([profile.status, profile.headers.get('location')]).toEqual([
      302,
      `${api.base}/users/alice`,
    ]);
    const post = await fetch(`${api.base}/@alice/${publicId}`, { headers, redirect: 'manual' });
    expect(post.headers.get('location')).toBe(`${api.base}/users/alice/statuses/${publicId}`);
  });
});

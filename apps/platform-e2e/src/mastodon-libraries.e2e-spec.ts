import { createOAuthAPIClient, createRestAPIClient } from 'masto';
import generator from 'megalodon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '@fediflow/testing';
import { startMigratedApi, type ApiOnIsolatedInfrastructure } from './built-services';

const REDIRECT = 'urn:ietf:wg:oauth:2.0:oob';

/**
 * Two independent Mastodon client libraries, used as their documentation shows and unmodified,
 * against the built api: masto.js sends sign-up and profile edits as multipart/form-data with
 * Rails-style field names, megalodon sends JSON.
 */
describe('Mastodon client libraries against the built api', () => {
  let server: ApiOnIsolatedInfrastructure;
  let api: RunningService;

  beforeAll(async () => {
    server = await startMigratedApi('client-libs', { PUBLIC_ORIGIN: 'https://libraries.test' });
    api = server.api;
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function appToken(): Promise<{ clientId: string; clientSecret: string; token: string }> {
    const anonymous = createRestAPIClient({ url: api.base });
    const app = await anonymous.v1.apps.create({
      clientName: 'masto.js test',
      redirectUris: REDIRECT,
      scopes: 'read write follow',
    });
    const { clientId, clientSecret } = app;
    if (!clientId || !clientSecret) throw new Error('apps.create returned no client credentials');
    const oauth = createOAuthAPIClient({ url: api.base });
    const token = await oauth.token.create({
      grantType: 'client_credentials',
      redirectUri: REDIRECT,
      clientId,
      clientSecret,
      scope: 'read write follow',
    });
    return { clientId, clientSecret, token: token.accessToken };
  }

  it('masto.js: signs up and edits the profile with multipart bodies', async () => {
    const { token } = await appToken();
    const asApp = createRestAPIClient({ url: api.base, accessToken: token });
    const signup = await asApp.v1.accounts.create({
      username: 'masto_user',
      email: 'masto@example.test',
      password: 'correct-horse-battery',
      agreement: true,
      locale: 'en',
    });
    expect(signup.accessToken).toMatch(/\S{20,}/);

    const member = createRestAPIClient({ url: api.base, accessToken: signup.accessToken });
    const updated = await member.v1.accounts.updateCredentials({
      displayName: 'Masto User',
      note: 'Edited through multipart/form-data',
      locked: true,
      fieldsAttributes: [
        { name: 'Site', value: 'https://example.org' },
        { name: 'Pronouns', value: 'they/them' },
      ],
    });
    expect(updated).toMatchObject({
      username: 'masto_user',
      displayName: 'Masto User',
      locked: true,
      // The API's values are HTML (links made clickable); the source keeps what was typed.
      fields: [
        { name: 'Site', value: expect.stringContaining('href="https://example.org"') },
        { name: 'Pronouns', value: 'they/them' },
      ],
      source: {
        fields: [
          { name: 'Site', value: 'https://example.org' },
          { name: 'Pronouns', value: 'they/them' },
        ],
      },
    });
    expect(updated.note).toContain('Edited through multipart/form-data');
    const me = await member.v1.accounts.verifyCredentials();
    expect(me.displayName).toBe('Masto User');

    // A taken username is Mastodon's 422 with the field named, not a 415 or a 500.
    await expect(
      asApp.v1.accounts.create({
        username: 'masto_user',
        email: 'other@example.test',
        password: 'correct-horse-battery',
        agreement: true,
        locale: 'en',
      }),
    ).rejects.toMatchObject({ statusCode: 422 });
  });

  it('masto.js: the start-up and status endpoints a client calls answer as Mastodon does', async () => {
    const { token } = await appToken();
    const asApp = createRestAPIClient({ url: api.base, accessToken: token });
    const signup = await asApp.v1.accounts.create({
      username: 'startup_user',
      email: 'startup@example.test',
      password: 'correct-horse-battery',
      agreement: true,
      locale: 'en',
    });
    const member = createRestAPIClient({ url: api.base, accessToken: signup.accessToken });
    const status = await member.v1.statuses.create({ status: 'startup #MastoTag' });

    expect(await member.v1.tags.$select('mastotag').fetch()).toMatchObject({
      name: 'mastotag',
      following: false,
    });
    expect(await member.v1.tags.$select('mastotag').follow()).toMatchObject({ following: true });
    expect((await member.v1.followedTags.list()).map((tag) => tag.name)).toEqual(['mastotag']);

    expect(await member.v1.statuses.$select(status.id).bookmark()).toMatchObject({
      bookmarked: true,
    });
    expect((await member.v1.bookmarks.list()).map((s) => s.id)).toEqual([status.id]);
    expect(await member.v1.statuses.$select(status.id).pin()).toMatchObject({ pinned: true });
    await member.v1.statuses.$select(status.id).favourite();
    const fans = await member.v1.statuses.$select(status.id).favouritedBy.list();
    expect(fans.map((account) => account.username)).toEqual(['startup_user']);
    expect(await member.v1.statuses.$select(status.id).rebloggedBy.list()).toEqual([]);
    const history = await member.v1.statuses.$select(status.id).history.list();
    expect(history).toHaveLength(1);
    expect(history[0]?.content).toContain('startup');

    for (const list of [
      member.v1.lists.list(),
      member.v1.blocks.list(),
      member.v1.mutes.list(),
      member.v1.domainBlocks.list(),
      member.v1.conversations.list(),
      member.v1.featuredTags.list(),
      member.v2.suggestions.list(),
    ]) {
      expect(await list).toEqual([]);
    }
  });

  it('rejects an oversized multipart upload with 422 naming the limit, as Mastodon does', async () => {
    const { token } = await appToken();
    const form = new FormData();
    form.append('username', 'too_big');
    // Past the larger (video) limit, 40 MiB: the part is cut off there.
    form.append('avatar', new Blob([new Uint8Array(41 * 1024 * 1024)]), 'huge.png');
    const response = await fetch(`${api.base}/api/v1/accounts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    // The part is cut off at the limit while streaming, not read whole.
    expect(response.status).toBe(422);
    expect(((await response.json()) as { error: string }).error).toMatch(/41943040 bytes/);
  });

  it('megalodon: signs up and edits the profile with JSON bodies', async () => {
    const { token } = await appToken();
    const asApp = generator('mastodon', api.base, token);
    const signup = await asApp.registerAccount(
      'megalodon_user',
      'megalodon@example.test',
      'correct-horse-battery',
      true,
      'en',
    );
    expect(signup.status).toBe(200);
    const member = generator('mastodon', api.base, signup.data.access_token);
    const updated = await member.updateCredentials({
      display_name: 'Megalodon User',
      fields_attributes: [{ name: 'Home', value: 'https://megalodon.example' }],
    });
    expect(updated.data).toMatchObject({
      display_name: 'Megalodon User',
      fields: [{ name: 'Home', value: expect.stringContaining('>https://megalodon.example</a>') }],
    });
    // Sending no fields_attributes leaves the fields alone.
    const renamed = await member.updateCredentials({ display_name: 'Renamed' });
    expect(renamed.data.fields).toHaveLength(1);
    const me = await member.verifyAccountCredentials();
    expect(me.data.username).toBe('megalodon_user');
  });
});

import { FederationRuntime } from '@fediflow/federation';
import { RemoteServer } from '@fediflow/federation/testing';
import {
  MastodonClient,
  registerApp,
  registerMembers,
  waitFor,
  type Member,
  TEST_ORIGIN,
} from '@fediflow/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFederatedApi, type FederatedApi } from '../federation-outbox/federated-api.testing';
import { startApi, type ApiHarness } from '../testing/api-harness.testing';
import type { AccountJson } from './account.view';

interface SearchJson {
  accounts: AccountJson[];
  statuses: unknown[];
  hashtags: { name: string }[];
}

/**
 * Remote accounts through the member API: `accounts/lookup` and `/api/v2/search?resolve=true`
 * resolve a loopback remote actor by WebFinger and a signed fetch, and store or refresh it.
 */
describe('remote account lookup and search', () => {
  let federated: FederatedApi;
  let api: ApiHarness;
  let remote: RemoteServer;
  let alice: Member;
  let anonymous: MastodonClient;
  let host: string;
  let bobId: string;

  const lookup = (acct: string) =>
    anonymous.get<AccountJson & { error?: string }>(
      `/api/v1/accounts/lookup?acct=${encodeURIComponent(acct)}`,
    );
  const search = (member: MastodonClient, params: Record<string, string>) =>
    member.get<SearchJson & { error?: string }>(`/api/v2/search?${new URLSearchParams(params)}`);
  const bobRows = async () =>
    (await api.db.query(
      `SELECT id::text AS id, display_name, inbox_url, shared_inbox_url FROM accounts WHERE uri = $1`,
      [remote.actorId.href],
    )) as { id: string; display_name: string; inbox_url: string; shared_inbox_url: string }[];
  const actorFetches = () => remote.fetched.filter((request) => request.url === '/users/bob');

  beforeAll(async () => {
    federated = await startFederatedApi('account-lookup');
    ({ api, remote } = federated);
    host = new URL(remote.origin).host;
    // This suite finds bob itself: forget the copy the fixture stored.
    await api.db.query(`DELETE FROM accounts WHERE id = $1`, [federated.bobId]);
    const app = await registerApp(api.base);
    [alice] = await registerMembers(api.base, app, ['alice']);
    anonymous = new MastodonClient(api.base);
  });
  afterAll(async () => {
    await federated?.close();
  });

  it('resolves user@host by WebFinger and a fetch signed by the instance actor, and stores it', async () => {
    const response = await lookup(`bob@${host}`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      username: 'bob',
      acct: `bob@${host}`,
      display_name: 'Bob',
      uri: remote.actorId.href,
      url: remote.actorId.href,
      locked: false,
      bot: false,
    });
    expect(response.body.note).not.toMatch(/<b>|javascript:/);
    bobId = response.body.id;
    expect(await bobRows()).toEqual([
      {
        id: bobId,
        display_name: 'Bob',
        inbox_url: remote.inbox.href,
        shared_inbox_url: `${remote.origin}/inbox`,
      },
    ]);
    expect(remote.fetched.map((request) => request.url)).toContain(
      `/.well-known/webfinger?resource=${encodeURIComponent(`acct:bob@${host}`)}`,
    );
    const [fetch] = actorFetches();
    expect(fetch?.headers.signature).toContain(`keyId="${TEST_ORIGIN}/actor#main-key"`);
    // The account is now known by id too.
    expect((await anonymous.get<AccountJson>(`/api/v1/accounts/${bobId}`)).body.acct).toBe(
      `bob@${host}`,
    );
  });

  it('answers a fresh copy from the database, refreshes a stale one, never duplicates', async () => {
    const fetches = actorFetches().length;
    expect((await lookup(`@bob@${host}`)).body.id).toBe(bobId);
    expect(actorFetches()).toHaveLength(fetches);

    await api.db.query(
      `UPDATE accounts SET display_name = 'stale', updated_at = now() - interval '2 days'
        WHERE id = $1`,
      [bobId],
    );
    const refreshed = await lookup(`bob@${host}`);
    expect(refreshed.body).toMatchObject({ id: bobId, display_name: 'Bob' });
    expect(actorFetches()).toHaveLength(fetches + 1);
    expect(await bobRows()).toHaveLength(1);
  });

  it('keeps answering a stored account whose server has gone quiet', async () => {
    await api.db.query(
      `INSERT INTO accounts (username, domain, display_name, uri, updated_at)
       VALUES ('gone', '127.0.0.1:1', 'Gone', 'http://127.0.0.1:1/users/gone',
               now() - interval '2 days')`,
    );
    const response = await lookup('gone@127.0.0.1:1');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ acct: 'gone@127.0.0.1:1', display_name: 'Gone' });
  });

  it('finds local members by username or with this instance as domain; unknown ones are 404', async () => {
    for (const acct of ['alice', '@alice', `alice@${new URL(TEST_ORIGIN).host}`]) {
      expect((await lookup(acct)).body).toMatchObject({ id: alice.accountId, acct: 'alice' });
    }
    for (const acct of ['nobody', `nobody@${new URL(TEST_ORIGIN).host}`]) {
      const response = await lookup(acct);
      expect(response.status).toBe(404);
      expect(response.body.error).toMatch(/not found/i);
    }
  });

  it('answers 404, not 500, for remote accounts that do not exist or cannot be reached', async () => {
    const unknown = await lookup(`carol@${host}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatch(/WebFinger knows no carol/);
    // Nothing listens on port 1.
    const unreachable = await lookup('dave@127.0.0.1:1');
    expect(unreachable.status).toBe(404);
    expect(
      await api.db.query(`SELECT 1 FROM accounts WHERE username IN ('carol', 'dave')`),
    ).toEqual([]);
  });

  it('refuses malformed accts with 422 and a reason', async () => {
    for (const acct of ['bob@', '@', 'a@b@c', 'bo b', 'bob@exa mple.com', `bob@${host}/x`]) {
      const response = await lookup(acct);
      expect(response.status, acct).toBe(422);
      expect(response.body.error, acct).toMatch(/^Validation failed: acct /);
    }
    expect((await lookup(remote.actorId.href)).status).toBe(422);
  });

  it('refuses blocked domains, even for an account already stored', async () => {
    const runtime = api.service.app.get(FederationRuntime, { strict: false });
    await runtime.domainBlocks.add('127.0.0.1', 'test');
    try {
      const fetches = remote.fetched.length;
      const response = await lookup(`bob@${host}`);
      expect(response.status).toBe(404);
      expect(response.body.error).toMatch(/127\.0\.0\.1:\d+ is blocked/);
      expect(remote.fetched).toHaveLength(fetches);
    } finally {
      await runtime.domainBlocks.remove('127.0.0.1');
    }
    expect((await lookup(`bob@${host}`)).status).toBe(200);
  });

  it('following a looked-up account sends Follow and stays requested until Accept', async () => {
    const follow = await alice.client.post<{ following: boolean; requested: boolean }>(
      `/api/v1/accounts/${bobId}/follow`,
    );
    expect(follow.body).toMatchObject({ following: false, requested: true });
    const delivered = await waitFor('the Follow at bob’s inbox', async () =>
      remote.received
        .map((request) => JSON.parse(request.body) as { type: string; object: string })
        .find((activity) => activity.type === 'Follow'),
    );
    expect(delivered.object).toBe(remote.actorId.href);
    const { body } = await alice.client.get<{ following: boolean; requested: boolean }[]>(
      `/api/v1/accounts/relationships?id[]=${bobId}`,
    );
    expect(body[0]).toMatchObject({ following: false, requested: true });
  });

  it('search resolves handles and actor URLs for signed-in users only', async () => {
    expect((await search(anonymous, { q: `bob@${host}`, resolve: 'true' })).status).toBe(401);
    await api.db.query(`DELETE FROM follow_requests WHERE target_account_id = $1`, [bobId]);
    await api.db.query(`DELETE FROM accounts WHERE id = $1`, [bobId]);

    const byHandle = await search(alice.client, {
      q: `@bob@${host}`,
      resolve: 'true',
      type: 'accounts',
    });
    expect(byHandle.status).toBe(200);
    expect(byHandle.body).toEqual({
      accounts: [expect.objectContaining({ acct: `bob@${host}`, uri: remote.actorId.href })],
      statuses: [],
      hashtags: [],
    });
    bobId = byHandle.body.accounts[0]?.id ?? '';

    const byUrl = await search(alice.client, { q: remote.actorId.href, resolve: 'true' });
    expect(byUrl.body.accounts.map((account) => account.id)).toEqual([bobId]);
    const unknown = await search(alice.client, { q: `carol@${host}`, resolve: 'true' });
    expect(unknown.status).toBe(200);
    expect(unknown.body.accounts).toEqual([]);
  });

  it('search finds stored accounts by prefix, filters by type and honours limit', async () => {
    // Without resolve: what is stored here (anonymous searches too).
    const prefix = await search(anonymous, { q: 'bo' });
    expect(prefix.body.accounts.map((account) => account.acct)).toEqual([`bob@${host}`]);
    const local = await search(alice.client, { q: 'ali', type: 'accounts' });
    expect(local.body.accounts.map((account) => account.id)).toEqual([alice.accountId]);
    const qualified = await search(alice.client, { q: `bob@127.0` });
    expect(qualified.body.accounts.map((account) => account.id)).toEqual([bobId]);

    await api.db.query(
      `INSERT INTO accounts (username, domain, uri) VALUES
         ('bobby', 'other.example', 'https://other.example/users/bobby'),
         ('bobo', 'third.example', 'https://third.example/users/bobo')`,
    );
    const all = await search(alice.client, { q: 'bob', type: 'accounts' });
    expect(all.body.accounts.map((account) => account.username).sort()).toEqual([
      'bob',
      'bobby',
      'bobo',
    ]);
    const limited = await search(alice.client, { q: 'bob', limit: '1' });
    expect(limited.body.accounts).toHaveLength(1);
    const hashtagsOnly = await search(alice.client, { q: 'bob', type: 'hashtags' });
    expect(hashtagsOnly.body.accounts).toEqual([]);

    expect((await search(alice.client, { q: '' })).status).toBe(422);
    // An unknown type finds nothing (Mastodon's SearchService), rather than failing.
    const people = await search(alice.client, { q: 'bob', type: 'people' });
    expect(people.status).toBe(200);
    expect(people.body).toMatchObject({ accounts: [], statuses: [], hashtags: [] });
    expect((await search(anonymous, { q: 'bob', offset: '1' })).status).toBe(401);
  });
});

/** FEDERATION_ENABLED=false: lookups and searches answer from the database only. */
describe('remote account lookup with federation disabled', () => {
  let api: ApiHarness;
  let remote: RemoteServer;

  beforeAll(async () => {
    remote = await RemoteServer.start();
    api = await startApi('account-lookup-disabled', {
      FEDERATION_ENABLED: 'false',
      FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true',
    });
  });
  afterAll(async () => {
    await api?.close();
    await remote?.close();
  });

  it('does not contact remote servers; stored accounts are still found', async () => {
    const host = new URL(remote.origin).host;
    const client = new MastodonClient(api.base);
    const app = await registerApp(api.base);
    const [carol] = await registerMembers(api.base, app, ['carol']);

    expect((await client.get(`/api/v1/accounts/lookup?acct=bob@${host}`)).status).toBe(404);
    const searched = await carol.client.get<SearchJson>(
      `/api/v2/search?q=${encodeURIComponent(`bob@${host}`)}&resolve=true`,
    );
    expect(searched.body.accounts).toEqual([]);
    expect(remote.fetched).toEqual([]);

    await api.db.query(
      `INSERT INTO accounts (username, domain, uri, updated_at)
       VALUES ('bob', $1, $2, now() - interval '2 days')`,
      [host, remote.actorId.href],
    );
    const stored = await client.get<AccountJson>(`/api/v1/accounts/lookup?acct=bob@${host}`);
    expect(stored.body.acct).toBe(`bob@${host}`);
    expect(remote.fetched).toEqual([]);
  });
});

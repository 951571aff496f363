import { loadConfig } from '@fediflow/config';
import { activityIds, FederationRuntime } from '@fediflow/federation';
import { FEDERATION_QUEUE_NAME } from '@fediflow/queue/federation';
import {
  gotosocialActorProblems,
  mastodonActorProblems,
  misskeyActorProblems,
  RemoteServer,
} from '@fediflow/federation/testing';
import { waitFor, TEST_ORIGIN } from '@fediflow/testing';
import { localMember, migratedDatabase, type MigratedDatabase } from '@fediflow/testing/fixtures';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startFederationService,
  type FederationInstance,
} from './testing/federation-harness.testing';

const AP = { accept: 'application/activity+json' };
const rootPackage = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../../package.json'), 'utf8'),
) as { version: string };

async function getJson(url: string, headers: Record<string, string> = AP) {
  const response = await fetch(url, { headers, redirect: 'manual' });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? JSON.parse(text) : null,
  };
}

describe('federation service', () => {
  let env: MigratedDatabase;
  let service: FederationInstance;
  let remote: RemoteServer;
  let aliceId: string;

  beforeAll(async () => {
    env = await migratedDatabase('federation-http');
    ({ accountId: aliceId } = await localMember(env.db, {
      username: 'alice',
      note: 'Teacher <3\nmaths',
    }));
    await localMember(env.db, { username: 'carol', locked: true });
    await env.db.query(
      `INSERT INTO statuses (id, account_id, local, text, content, visibility)
       VALUES (101, $1, true, 'hi', '<p>hi</p>', 'public'),
              (102, $1, true, 'secret', '<p>secret</p>', 'private'),
              (103, $1, true, 'quiet', '<p>quiet</p>', 'unlisted')`,
      [aliceId],
    );
    service = await startFederationService(env.infra);
    remote = await RemoteServer.start();
  });
  afterAll(async () => {
    await remote?.close();
    await service?.close();
    await env?.release();
  });

  it('answers WebFinger for local members only', async () => {
    const found = await getJson(
      `${service.base}/.well-known/webfinger?resource=acct:alice@fediflow.test`,
      {},
    );
    expect(found.status).toBe(200);
    expect(found.body.subject).toBe('acct:alice@fediflow.test');
    expect(found.body.links).toContainEqual(
      expect.objectContaining({
        rel: 'self',
        type: 'application/activity+json',
        href: `${TEST_ORIGIN}/users/alice`,
      }),
    );
    const upper = await getJson(
      `${service.base}/.well-known/webfinger?resource=acct:ALICE@fediflow.test`,
      {},
    );
    expect(upper.body?.links?.[0]?.href ?? upper.status).toBe(`${TEST_ORIGIN}/users/alice`);
    for (const resource of ['acct:nobody@fediflow.test', 'acct:alice@elsewhere.example']) {
      const missing = await fetch(`${service.base}/.well-known/webfinger?resource=${resource}`);
      expect(missing.status).toBe(404);
    }
    const hostMeta = await fetch(`${service.base}/.well-known/host-meta`);
    expect(hostMeta.status).toBe(200);
    expect(await hostMeta.text()).toContain('/.well-known/webfinger?resource={uri}');
  });

  it('serves the actor with RSA first and Ed25519 assertion keys, stable across requests and instances', async () => {
    const { status, headers, body } = await getJson(`${service.base}/users/alice`);
    expect(status).toBe(200);
    expect(headers.get('content-type')).toMatch(/application\/activity\+json/);
    expect(body).toMatchObject({
      id: `${TEST_ORIGIN}/users/alice`,
      type: 'Person',
      preferredUsername: 'alice',
      inbox: `${TEST_ORIGIN}/users/alice/inbox`,
      outbox: `${TEST_ORIGIN}/users/alice/outbox`,
      followers: `${TEST_ORIGIN}/users/alice/followers`,
      following: `${TEST_ORIGIN}/users/alice/following`,
      url: `${TEST_ORIGIN}/@alice`,
      endpoints: { sharedInbox: `${TEST_ORIGIN}/inbox` },
      summary: '<p>Teacher &lt;3<br>maths</p>',
    });
    // ONE publicKey object (RSA) with a string id, as Misskey requires; every key, Ed25519
    // included, in assertionMethod.
    expect(Array.isArray(body.publicKey)).toBe(false);
    expect(body.publicKey).toMatchObject({
      id: `${TEST_ORIGIN}/users/alice#main-key`,
      owner: `${TEST_ORIGIN}/users/alice`,
    });
    expect(body.publicKey.publicKeyPem).toContain('BEGIN PUBLIC KEY');
    const assertion = [body.assertionMethod].flat() as { id: string; publicKeyMultibase: string }[];
    expect(assertion).toHaveLength(2);
    // z6Mk… is the multibase prefix of an Ed25519 key (FEP-521a); the RSA key comes first.
    expect(assertion[0]!.publicKeyMultibase).not.toMatch(/^z6Mk/);
    expect(assertion[1]!.publicKeyMultibase).toMatch(/^z6Mk/);
    expect(misskeyActorProblems(body, `${TEST_ORIGIN}/users/alice`)).toEqual([]);
    expect(mastodonActorProblems(body)).toEqual([]);
    expect(gotosocialActorProblems(body)).toEqual([]);
    expect(JSON.stringify(body)).not.toContain('privateKey');

    const again = await getJson(`${service.base}/users/alice`);
    expect(again.body.publicKey).toEqual(body.publicKey);
    const second = await startFederationService(env.infra);
    try {
      const other = await getJson(`${second.base}/users/alice`);
      expect(other.body.publicKey).toEqual(body.publicKey);
      expect(other.body.assertionMethod).toEqual(body.assertionMethod);
    } finally {
      await second.close();
    }
    expect(await env.db.query(`SELECT count(*)::int AS n FROM actor_keys`)).toEqual([{ n: 1 }]);

    expect((await getJson(`${service.base}/users/nobody`)).status).toBe(404);
    const browser = await fetch(`${service.base}/users/alice`, {
      headers: { accept: 'text/html' },
      redirect: 'manual',
    });
    expect(browser.status).toBe(302);
    expect(browser.headers.get('location')).toBe(`${TEST_ORIGIN}/@alice`);
  });

  it('lets browsers on other origins read discovery documents and actors (GET only), as Mastodon', async () => {
    const origin = { origin: 'https://web-client.example' };
    for (const path of [
      '/.well-known/webfinger?resource=acct:alice@fediflow.test',
      '/.well-known/nodeinfo',
      '/nodeinfo/2.1',
      '/users/alice',
    ]) {
      const read = await fetch(`${service.base}${path}`, { headers: { ...AP, ...origin } });
      expect(read.status, path).toBe(200);
      expect(read.headers.get('access-control-allow-origin'), path).toBe('*');
      const preflight = await fetch(`${service.base}${path}`, {
        method: 'OPTIONS',
        headers: { ...origin, 'access-control-request-method': 'GET' },
      });
      expect(preflight.status, path).toBe(200);
      expect(preflight.headers.get('access-control-allow-methods'), path).toBe('GET');
      expect(preflight.headers.get('access-control-max-age'), path).toBe('7200');
    }
    // Inboxes are for servers, not browsers.
    const inbox = await fetch(`${service.base}/users/alice/inbox`, {
      method: 'OPTIONS',
      headers: { ...origin, 'access-control-request-method': 'POST' },
    });
    expect(inbox.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves the instance actor for signed fetches', async () => {
    const { status, body } = await getJson(`${service.base}/actor`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: `${TEST_ORIGIN}/actor`,
      type: 'Application',
      inbox: `${TEST_ORIGIN}/inbox`,
      publicKey: { id: `${TEST_ORIGIN}/actor#main-key`, owner: `${TEST_ORIGIN}/actor` },
    });
  });

  it('publishes NodeInfo 2.1 with real usage', async () => {
    const wellKnown = await getJson(`${service.base}/.well-known/nodeinfo`, {});
    expect(wellKnown.body.links).toContainEqual(
      expect.objectContaining({ href: `${TEST_ORIGIN}/nodeinfo/2.1` }),
    );
    const { status, body } = await getJson(`${service.base}/nodeinfo/2.1`, {});
    expect(status).toBe(200);
    expect(body).toMatchObject({
      version: '2.1',
      software: { name: 'fediflow', version: rootPackage.version },
      protocols: ['activitypub'],
      openRegistrations: false,
      usage: { users: { total: 2 }, localPosts: 3 },
    });
    const open = await startFederationService(env.infra, { REGISTRATIONS_OPEN: 'true' });
    try {
      expect((await getJson(`${open.base}/nodeinfo/2.1`, {})).body.openRegistrations).toBe(true);
    } finally {
      await open.close();
    }
  });

  it('serves public and unlisted notes, the outbox and collections; private posts stay 404', async () => {
    const note = await getJson(`${service.base}/users/alice/statuses/101`);
    expect(note.status).toBe(200);
    expect(note.body).toMatchObject({
      id: `${TEST_ORIGIN}/users/alice/statuses/101`,
      type: 'Note',
      attributedTo: `${TEST_ORIGIN}/users/alice`,
      content: '<p>hi</p>',
      to: 'as:Public',
    });
    expect((await getJson(`${service.base}/users/alice/statuses/102`)).status).toBe(404);
    expect((await getJson(`${service.base}/users/carol/statuses/101`)).status).toBe(404);
    expect((await getJson(`${service.base}/users/alice/statuses/103`)).status).toBe(200);

    const outbox = await getJson(`${service.base}/users/alice/outbox`);
    expect(outbox.body).toMatchObject({ type: 'OrderedCollection', totalItems: 2 });
    const firstPage = await getJson(outbox.body.first.replace(TEST_ORIGIN, service.base));
    expect(firstPage.body.orderedItems.map((item: { type: string }) => item.type)).toEqual([
      'Create',
      'Create',
    ]);
    const followers = await getJson(`${service.base}/users/alice/followers`);
    expect(followers.body).toMatchObject({ type: 'OrderedCollection', totalItems: 0 });
    expect((await getJson(`${service.base}/users/nobody/followers`)).status).toBe(404);
  });

  it('rejects unsigned inbox deliveries with 401 and queues nothing', async () => {
    const follow = {
      '@context': 'https://www.w3.org/ns/activitystreams',
      id: `${remote.origin}/follows/unsigned`,
      type: 'Follow',
      actor: remote.actorId.href,
      object: `${TEST_ORIGIN}/users/alice`,
    };
    for (const path of ['/inbox', '/users/alice/inbox']) {
      const request = await remote.post(`${service.base}${path}`, follow, { sign: false });
      const response = await fetch(request);
      expect(response.status).toBe(401);
    }
    const garbage = await fetch(`${service.base}/inbox`, {
      method: 'POST',
      headers: { 'content-type': 'application/activity+json' },
      body: '{}',
    });
    expect(garbage.status).toBeLessThan(500);
    const stats = await service.runtime.queue.stats();
    expect(stats.ready + stats.delayed + stats.inFlight).toBe(0);
  });

  it('accepts a signed Follow with 202 and only enqueues it; a worker then stores the follow and delivers Accept', async () => {
    const follow = {
      '@context': 'https://www.w3.org/ns/activitystreams',
      id: `${remote.origin}/follows/1`,
      type: 'Follow',
      actor: remote.actorId.href,
      object: `${TEST_ORIGIN}/users/alice`,
    };
    const response = await fetch(await remote.post(`${service.base}/users/alice/inbox`, follow));
    expect(response.status).toBe(202);
    const stats = await service.runtime.queue.stats();
    expect(stats.ready).toBe(1);
    expect(await env.db.query(`SELECT * FROM follows`)).toEqual([]);
    expect(FEDERATION_QUEUE_NAME).toBe('federation');

    // A worker (here: the runtime of this process) runs the queue.
    const worker = new AbortController();
    const running = service.runtime.federation.startQueue(undefined, { signal: worker.signal });
    try {
      const accept = await waitFor('the Accept at the remote inbox', async () =>
        remote.received.find((request) => request.url === '/users/bob/inbox'),
      );
      expect(JSON.parse(accept.body)).toMatchObject({
        type: 'Accept',
        actor: `${TEST_ORIGIN}/users/alice`,
        object: { id: follow.id, type: 'Follow' },
        // The id an approval in the API gives the same Follow (one scheme, activity-ids.ts).
        id: activityIds.answer(new URL(`${TEST_ORIGIN}/users/alice`), 'accept', new URL(follow.id))
          .href,
      });
      expect(String(accept.headers.signature)).toContain(
        `keyId="${TEST_ORIGIN}/users/alice#main-key"`,
      );
    } finally {
      worker.abort();
      await running;
    }
    const [bob] = (await env.db.query(
      `SELECT id::text AS id, username, domain, display_name, note, inbox_url, shared_inbox_url
         FROM accounts WHERE uri = $1`,
      [remote.actorId.href],
    )) as Record<string, string>[];
    expect(bob).toMatchObject({
      username: 'bob',
      domain: new URL(remote.origin).host,
      inbox_url: remote.inbox.href,
      shared_inbox_url: `${remote.origin}/inbox`,
    });
    expect(bob!.display_name).not.toContain('<');
    expect(bob!.note).not.toMatch(/<(a|b|script)\b/);
    expect(
      await env.db.query(
        `SELECT account_id::text AS follower, uri FROM follows WHERE target_account_id = $1`,
        [aliceId],
      ),
    ).toEqual([{ follower: bob!.id, uri: follow.id }]);
    expect(
      await env.db.query(`SELECT followers_count FROM accounts WHERE id = $1`, [aliceId]),
    ).toEqual([{ followers_count: 1 }]);
    expect(
      await env.db.query(`SELECT type FROM notifications WHERE account_id = $1`, [aliceId]),
    ).toEqual([{ type: 'follow' }]);
  });

  it('accepts each of several Follows of the same pair, counting the follow once', async () => {
    // No follow yet: the first inserts it, the others (redeliveries with other ids) find it.
    await env.db.query(`DELETE FROM follows`);
    await env.db.query(`UPDATE accounts SET followers_count = 0, following_count = 0`);
    const follows = [2, 3, 4].map((n) => ({
      '@context': 'https://www.w3.org/ns/activitystreams',
      id: `${remote.origin}/follows/${n}`,
      type: 'Follow',
      actor: remote.actorId.href,
      object: `${TEST_ORIGIN}/users/alice`,
    }));
    for (const follow of follows) {
      const response = await fetch(await remote.post(`${service.base}/users/alice/inbox`, follow));
      expect(response.status).toBe(202);
    }
    // A worker of its own: Fedify starts a federation's queue once per process.
    const worker = new FederationRuntime(
      loadConfig('workers', { PUBLIC_ORIGIN: TEST_ORIGIN, LOG_LEVEL: 'silent', ...env.infra.env }),
      env.db,
    );
    const stop = new AbortController();
    const running = worker.federation.startQueue(undefined, { signal: stop.signal });
    try {
      for (const follow of follows) {
        await waitFor(`the Accept of ${follow.id}`, async () =>
          remote.received.find((request) => request.body.includes(follow.id)),
        );
      }
    } finally {
      stop.abort();
      await running;
      await worker.onApplicationShutdown();
    }
    expect(
      await env.db.query(`SELECT count(*)::int AS n FROM follows WHERE target_account_id = $1`, [
        aliceId,
      ]),
    ).toEqual([{ n: 1 }]);
    expect(
      await env.db.query(`SELECT followers_count FROM accounts WHERE id = $1`, [aliceId]),
    ).toEqual([{ followers_count: 1 }]);
  });
});

describe('federation service switched off', () => {
  let env: MigratedDatabase;
  let service: FederationInstance;

  beforeAll(async () => {
    env = await migratedDatabase('federation-off');
    await localMember(env.db, { username: 'alice' });
    service = await startFederationService(env.infra, { FEDERATION_ENABLED: 'false' });
  });
  afterAll(async () => {
    await service?.close();
    await env?.release();
  });

  it('answers every federation path with 404 and stays ready', async () => {
    for (const path of [
      '/.well-known/webfinger?resource=acct:alice@fediflow.test',
      '/.well-known/nodeinfo',
      '/users/alice',
      '/actor',
    ]) {
      expect((await fetch(`${service.base}${path}`, { headers: AP })).status).toBe(404);
    }
    const refused = await fetch(`${service.base}/inbox`, { method: 'POST', body: '{}' });
    expect(refused.status).toBe(404);
    expect(await refused.json()).toEqual({ error: 'Federation is disabled on this server' });
    const counted = await service.service.app
      .get(Registry)
      .getSingleMetric('fediflow_federation_inbox_requests_total')
      ?.get();
    expect(counted?.values).toContainEqual(
      expect.objectContaining({ labels: { verdict: 'disabled' }, value: 1 }),
    );
    const ready = await fetch(`${service.base}/ready`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { details: object }).details).toMatchObject({
      federation: { status: 'up', enabled: false },
      federation_queue: { status: 'up', enabled: false },
      signing_keys: { status: 'up', enabled: false },
    });
  });
});

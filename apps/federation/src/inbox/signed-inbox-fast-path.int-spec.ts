import { generateCryptoKeyPair, signRequest } from '@fedify/fedify';
import { RemoteServer } from '@fediflow/federation/testing';
import { waitFor, TEST_ORIGIN } from '@fediflow/testing';
import { localMember, migratedDatabase, type MigratedDatabase } from '@fediflow/testing/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startFederationService,
  type FederationInstance,
} from '../testing/federation-harness.testing';
import { parseInboxSignature } from './inbox-signature';
import { SignedInboxFastPath, type InboxPost } from './signed-inbox-fast-path';

const AS = 'https://www.w3.org/ns/activitystreams';

describe('shared inbox fast path (draft-cavage by the actor, key already cached by Fedify)', () => {
  let env: MigratedDatabase;
  let service: FederationInstance;
  let remote: RemoteServer;
  let fastPath: SignedInboxFastPath;
  let aliceId: string;
  let sequence = 0;

  const follow = (actor: string = remote.actorId.href) => ({
    '@context': AS,
    id: `${remote.origin}/follows/fast-${++sequence}`,
    type: 'Follow',
    actor,
    object: `${TEST_ORIGIN}/users/alice`,
  });
  /** A request as the route hands it over: path, raw headers and signature, body and activity. */
  const asPost = async (request: Request, body?: string): Promise<InboxPost> => {
    const text = body ?? (await request.text());
    const headers = Object.fromEntries(request.headers);
    return {
      url: new URL(request.url).pathname,
      headers,
      signature: parseInboxSignature(headers),
      body: Buffer.from(text),
      activity: JSON.parse(text) as Record<string, unknown>,
    };
  };
  const queued = async () => {
    const stats = await service.runtime.queue.stats();
    return stats.ready + stats.delayed + stats.inFlight;
  };

  beforeAll(async () => {
    env = await migratedDatabase('federation-fast-inbox');
    ({ accountId: aliceId } = await localMember(env.db, { username: 'alice' }));
    service = await startFederationService(env.infra);
    remote = await RemoteServer.start();
    fastPath = new SignedInboxFastPath({
      kv: service.runtime.kv,
      queue: service.runtime.queue,
      origin: TEST_ORIGIN,
    });
  });
  afterAll(async () => {
    await remote?.close();
    await service?.close();
    await env?.release();
  });

  it('leaves a signer Fedify has not fetched yet to Fedify, then takes its next deliveries', async () => {
    const first = await remote.post(`${service.base}/inbox`, follow());
    expect(await fastPath.tryAccept(await asPost(first.clone()))).toBe(false);
    expect(await queued()).toBe(0);
    // Fedify verifies it (fetching and caching bob's key) and queues it.
    expect((await fetch(first)).status).toBe(202);
    expect(await queued()).toBe(1);

    const second = follow();
    const accepted = await fastPath.tryAccept(
      await asPost(await remote.post(`${service.base}/inbox`, second)),
    );
    expect(accepted).toBe(true);
    expect(await queued()).toBe(2);
  });

  it('vouches for nothing it cannot check: tampered, stale, foreign actor, other key, RFC 9421', async () => {
    const before = await queued();
    const signed = await remote.post(`${service.base}/inbox`, follow());
    expect(await fastPath.tryAccept(await asPost(signed.clone(), JSON.stringify(follow())))).toBe(
      false,
    );

    const stale = new Request(`${service.base}/inbox`, {
      method: 'POST',
      headers: {
        'content-type': 'application/activity+json',
        date: new Date(Date.now() - 2 * 60 * 60 * 1000).toUTCString(),
      },
      body: JSON.stringify(follow()),
    });
    const staleSigned = await signRequest(stale, remote.keys.privateKey, remote.keyId, {
      spec: 'draft-cavage-http-signatures-12',
    });
    expect(await fastPath.tryAccept(await asPost(staleSigned))).toBe(false);

    const foreign = await remote.post(
      `${service.base}/inbox`,
      follow('https://elsewhere.example/users/eve'),
    );
    expect(await fastPath.tryAccept(await asPost(foreign))).toBe(false);

    const mallory = await generateCryptoKeyPair('RSASSA-PKCS1-v1_5');
    const forged = await signRequest(
      new Request(`${service.base}/inbox`, {
        method: 'POST',
        headers: { 'content-type': 'application/activity+json' },
        body: JSON.stringify(follow()),
      }),
      mallory.privateKey,
      remote.keyId,
      { spec: 'draft-cavage-http-signatures-12' },
    );
    expect(await fastPath.tryAccept(await asPost(forged))).toBe(false);

    const rfc9421 = await signRequest(
      new Request(`${service.base}/inbox`, {
        method: 'POST',
        headers: { 'content-type': 'application/activity+json' },
        body: JSON.stringify(follow()),
      }),
      remote.keys.privateKey,
      remote.keyId,
      { spec: 'rfc9421' },
    );
    expect(await fastPath.tryAccept(await asPost(rfc9421))).toBe(false);
    expect(await queued()).toBe(before);
    // A forged signature also made it forget the key: the next delivery goes through Fedify.
    expect(
      await fastPath.tryAccept(await asPost(await remote.post(`${service.base}/inbox`, follow()))),
    ).toBe(true);
  });

  it('queues what the workers handle exactly as Fedify’s own: the follow is stored and accepted', async () => {
    await env.db.query(`DELETE FROM follows`);
    const activity = follow();
    const response = await fetch(await remote.post(`${service.base}/inbox`, activity));
    expect(response.status).toBe(202);

    const worker = new AbortController();
    const running = service.runtime.federation.startQueue(undefined, { signal: worker.signal });
    try {
      // Earlier tests queued Follows of the same pair too: each is answered with its Accept.
      await waitFor('the Accept of that follow', async () =>
        remote.received.find((request) => request.body.includes(activity.id)),
      );
      await waitFor('the queue to drain', async () => ((await queued()) === 0 ? true : undefined));
      expect(
        await env.db.query(`SELECT count(*)::int AS n FROM follows WHERE target_account_id = $1`, [
          aliceId,
        ]),
      ).toEqual([{ n: 1 }]);
    } finally {
      worker.abort();
      await running;
    }
  });
});

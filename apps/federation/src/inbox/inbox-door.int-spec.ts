import { generateCryptoKeyPair, signRequest } from '@fedify/fedify';
import type { RemoteServer } from '@fediflow/federation/testing';
import { TEST_ORIGIN } from '@fediflow/testing';
import { Temporal as Polyfill } from '@js-temporal/polyfill';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startInboxScene,
  type FederationInstance,
  type InboxScene,
} from '../testing/federation-harness.testing';
import type { InboxVerdict } from './inbox-metrics';

const TWO_HOURS_MS = 2 * 60 * 60 * 1000;

describe('inbox door: verification, limits, domain blocks and verdict metrics', () => {
  let scene: InboxScene;
  let service: FederationInstance;
  let remote: RemoteServer;
  let sequence = 0;

  beforeAll(async () => {
    scene = await startInboxScene('federation-inbox-door');
    ({ service, remote } = scene);
  });
  afterAll(async () => {
    await scene?.close();
  });

  /** A fresh Follow of alice by bob (or `actor`). */
  const follow = (actor: string = remote.actorId.href) => ({
    '@context': 'https://www.w3.org/ns/activitystreams',
    id: `${remote.origin}/follows/door-${++sequence}`,
    type: 'Follow',
    actor,
    object: `${TEST_ORIGIN}/users/alice`,
  });

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    new Request(`${service.base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/activity+json', ...headers },
      body,
    });

  /** Signs as bob (his key unless told otherwise), draft-cavage unless told otherwise. */
  const sign = (
    request: Request,
    options: {
      spec?: 'draft-cavage-http-signatures-12' | 'rfc9421';
      privateKey?: RemoteServer['keys']['privateKey'];
      currentTime?: Date;
      body?: ArrayBuffer | null;
    } = {},
  ) =>
    signRequest(request, options.privateKey ?? remote.keys.privateKey, remote.keyId, {
      spec: options.spec ?? 'draft-cavage-http-signatures-12',
      currentTime: options.currentTime
        ? (Polyfill.Instant.fromEpochMilliseconds(
            options.currentTime.getTime(),
          ) as unknown as Temporal.Instant)
        : undefined,
      body: options.body,
    });

  /** The same signed headers over another body. */
  const withBody = (signed: Request, body: string) =>
    new Request(signed.url, { method: 'POST', headers: signed.headers, body });

  const queued = async () => {
    const stats = await service.runtime.queue.stats();
    return stats.ready + stats.delayed + stats.inFlight;
  };

  const verdictCount = async (verdict: InboxVerdict): Promise<number> => {
    const metric = service.service.app
      .get(Registry)
      .getSingleMetric('fediflow_federation_inbox_requests_total');
    const values = (await metric?.get())?.values ?? [];
    return values.find((value) => value.labels['verdict'] === verdict)?.value ?? 0;
  };

  /** Sends `request`, expects `status` and `verdict` counted once, and nothing queued. */
  async function expectRefused(request: Request, status: number, verdict: InboxVerdict) {
    const before = await verdictCount(verdict);
    const response = await fetch(request);
    const text = await response.text();
    expect(response.status, `${verdict}: ${text}`).toBe(status);
    expect(await verdictCount(verdict)).toBe(before + 1);
    expect(await queued()).toBe(0);
    return text;
  }

  it('refuses unsigned deliveries (401, saying a signature is required)', async () => {
    const text = await expectRefused(post('/inbox', JSON.stringify(follow())), 401, 'unsigned');
    expect(JSON.parse(text).error).toMatch(/HTTP Signature/);
  });

  it('refuses a signature made with another key than the keyId names (forged)', async () => {
    const mallory = await generateCryptoKeyPair('RSASSA-PKCS1-v1_5');
    const forged = await sign(post('/users/alice/inbox', JSON.stringify(follow())), {
      privateKey: mallory.privateKey,
    });
    const text = await expectRefused(forged, 401, 'invalid_signature');
    // Fedify's own refusal, in Mastodon's shape like every other inbox answer.
    expect(JSON.parse(text)).toEqual({ error: expect.stringMatching(/signature/i) });
  });

  it('refuses stale signatures: a Date two hours old (draft-cavage) or created then (RFC 9421)', async () => {
    const old = new Date(Date.now() - TWO_HOURS_MS);
    const cavage = await sign(
      post('/users/alice/inbox', JSON.stringify(follow()), { date: old.toUTCString() }),
    );
    await expectRefused(cavage, 401, 'invalid_signature');
    const rfc9421 = await sign(post('/inbox', JSON.stringify(follow())), {
      spec: 'rfc9421',
      currentTime: old,
    });
    await expectRefused(rfc9421, 401, 'invalid_signature');
  });

  it('refuses a body that does not match the signed digest (both specs)', async () => {
    for (const spec of ['draft-cavage-http-signatures-12', 'rfc9421'] as const) {
      const signed = await sign(post('/inbox', JSON.stringify(follow())), { spec });
      await expectRefused(withBody(signed, JSON.stringify(follow())), 401, 'invalid_signature');
    }
  });

  it('refuses RFC 9421 signatures that do not cover the body at all', async () => {
    // Signed without content-digest, so Fedify alone would take any body under it.
    const signed = await sign(post('/inbox', ''), { spec: 'rfc9421', body: null });
    expect(signed.headers.get('signature-input')).not.toContain('content-digest');
    const text = await expectRefused(
      withBody(signed, JSON.stringify(follow())),
      401,
      'invalid_signature',
    );
    expect(JSON.parse(text).error).toMatch(/content-digest/);
  });

  it('refuses a signer who is not the activity actor', async () => {
    const signed = await sign(
      post('/inbox', JSON.stringify(follow(`${remote.origin}/users/mallory`))),
    );
    await expectRefused(signed, 401, 'invalid_signature');
  });

  it('refuses bodies over 1 MiB with 413 before parsing them', async () => {
    const padded = { ...follow(), padding: 'x'.repeat(1_048_576) };
    await expectRefused(post('/inbox', JSON.stringify(padded)), 413, 'too_large');
  });

  it('refuses bodies that are not JSON or not an activity with 400 and the reason', async () => {
    const cases: [string, RegExp][] = [
      ['{"type": "Follow", ', /not JSON/],
      ['[1, 2]', /not a JSON object/],
      [JSON.stringify({ id: `${remote.origin}/x`, actor: remote.actorId.href }), /no type/],
      [JSON.stringify({ ...follow(), actor: undefined }), /no actor/],
      ['', /empty/],
    ];
    for (const [body, reason] of cases) {
      const signed = await sign(post('/users/alice/inbox', body));
      const text = await expectRefused(signed, 400, 'malformed');
      expect(JSON.parse(text).error).toMatch(reason);
    }
  });

  it('answers 404 for the inbox of nobody', async () => {
    const signed = await sign(post('/users/nobody/inbox', JSON.stringify(follow())));
    await expectRefused(signed, 404, 'not_found');
  });

  it('refuses deliveries signed from, or by actors of, a blocked domain with 403', async () => {
    const { domainBlocks } = service.runtime;
    await domainBlocks.add('spam.example', 'test');
    try {
      const fromSpam = await sign(
        post('/inbox', JSON.stringify(follow('https://spam.example/users/eve'))),
      );
      const text = await expectRefused(fromSpam, 403, 'blocked');
      expect(JSON.parse(text).error).toBe('activities of spam.example are blocked here');
      // The signer's own server (bob's, on loopback) blocked: refused before his key is fetched.
      await domainBlocks.add(new URL(remote.origin).hostname, 'test');
      const fetchesBefore = remote.received.length;
      const signed = await sign(post('/users/alice/inbox', JSON.stringify(follow())));
      const blocked = await expectRefused(signed, 403, 'blocked');
      expect(JSON.parse(blocked).error).toMatch(/^deliveries from 127\.0\.0\.1:\d+ are blocked/);
      expect(remote.received.length).toBe(fetchesBefore);
    } finally {
      await domainBlocks.remove('spam.example');
      await domainBlocks.remove(new URL(remote.origin).hostname);
    }
  });

  it('accepts valid deliveries signed with draft-cavage and with RFC 9421: 202 once queued', async () => {
    const before = await verdictCount('accepted');
    const cavage = await fetch(await sign(post('/users/alice/inbox', JSON.stringify(follow()))));
    expect(cavage.status).toBe(202);
    expect(await queued()).toBe(1);
    const rfc9421 = await fetch(
      await sign(post('/inbox', JSON.stringify(follow())), { spec: 'rfc9421' }),
    );
    expect(rfc9421.status).toBe(202);
    expect(await queued()).toBe(2);
    expect(await verdictCount('accepted')).toBe(before + 2);
  });
});

import { verifyRequestDetailed } from '@fedify/fedify';
import { generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { installOutboundHttp } from '../outbound-http';
import { DirectDelivery, type QueuedDelivery } from './direct-delivery';
import { FaultyRemote } from './faulty-remote.testing';

const ACTOR = 'https://fediflow.test/users/alice';
const KEY_ID = `${ACTOR}#main-key`;

describe('DirectDelivery (first attempts without Fedify)', () => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  let remote: FaultyRemote;

  beforeAll(() => installOutboundHttp({ allowPrivateAddress: true }));
  afterEach(async () => {
    await remote?.close();
  });

  function message(overrides: Partial<QueuedDelivery> = {}): QueuedDelivery {
    return {
      keys: [
        {
          keyId: `${ACTOR}#ed25519-key`,
          privateKey: { kty: 'OKP', crv: 'Ed25519', x: 'x', d: 'd' },
        },
        { keyId: KEY_ID, privateKey: privateKey.export({ format: 'jwk' }) },
      ],
      activity: {
        '@context': 'https://www.w3.org/ns/activitystreams',
        id: `${ACTOR}/a/1`,
        type: 'Create',
        actor: ACTOR,
      },
      activityId: `${ACTOR}/a/1`,
      inbox: remote.inbox('/inbox?ignored=1').href,
      headers: {},
      attempt: 0,
      ...overrides,
    };
  }

  /** The remote's last request as a fetch `Request`, for Fedify's own verifier. */
  function lastRequest(): Request {
    const received = remote.received.at(-1)!;
    return new Request(new URL(received.path, remote.origin), {
      method: 'POST',
      headers: received.headers,
      body: received.body,
    });
  }

  it('sends a draft-cavage signed POST that Fedify verifies, with the activity as its body', async () => {
    remote = await FaultyRemote.start();
    const direct = new DirectDelivery();

    expect(await direct.send(message())).toBe(true);
    expect(await direct.send(message())).toBe(true);

    expect(remote.received).toHaveLength(2);
    const request = lastRequest();
    expect(JSON.parse(remote.received[1]!.body)).toEqual(message().activity);
    expect(request.headers.get('content-type')).toBe('application/activity+json');
    expect(request.headers.get('signature')).toContain(
      'headers="(request-target) content-type date digest host"',
    );
    const key = await verifyRequestDetailed(request, {
      documentLoader: async (url) => {
        if (url !== KEY_ID && url !== ACTOR) throw new Error(`unexpected fetch of ${url}`);
        return {
          documentUrl: url,
          contextUrl: null,
          // The actor document, as Mastodon serves it (the key id is its fragment).
          document: {
            '@context': ['https://www.w3.org/ns/activitystreams', 'https://w3id.org/security/v1'],
            id: ACTOR,
            type: 'Person',
            inbox: `${ACTOR}/inbox`,
            publicKey: { id: KEY_ID, owner: ACTOR, publicKeyPem },
          },
        };
      },
    });
    expect(key).toMatchObject({ verified: true });
  });

  it('signs extra queued headers (Collection-Synchronization) along with the others', async () => {
    remote = await FaultyRemote.start();
    const direct = new DirectDelivery();
    const sync = 'collectionId="https://fediflow.test/users/alice/followers", digest="abc"';

    expect(await direct.send(message({ headers: { 'Collection-Synchronization': sync } }))).toBe(
      true,
    );
    expect(lastRequest().headers.get('collection-synchronization')).toBe(sync);
    expect(lastRequest().headers.get('signature')).toContain(
      'headers="(request-target) collection-synchronization content-type date digest host"',
    );
  });

  it('leaves a refused delivery to Fedify and sends nothing more to that origin for a while', async () => {
    remote = await FaultyRemote.start();
    let now = Date.parse('2026-12-02T12:00:00Z');
    const direct = new DirectDelivery({ refusalMemoryMs: 60_000, now: () => now });
    remote.answer = () => 401;

    expect(await direct.send(message())).toBe(false);
    remote.answer = () => 202;
    expect(await direct.send(message())).toBe(false);
    expect(remote.received).toHaveLength(1);

    now += 60_001;
    expect(await direct.send(message())).toBe(true);
    expect(remote.received).toHaveLength(2);
  });

  it('leaves server errors, retries and senders without an RSA key to Fedify', async () => {
    remote = await FaultyRemote.start();
    const direct = new DirectDelivery();
    remote.answer = () => 503;
    expect(await direct.send(message())).toBe(false);

    remote.answer = () => 202;
    expect(await direct.send(message({ attempt: 1 }))).toBe(false);
    expect(await direct.send(message({ keys: message().keys.slice(0, 1) }))).toBe(false);
    // Only the first: a 5xx is not remembered, retries and RSA-less senders were not sent.
    expect(remote.received).toHaveLength(1);
    expect(await direct.send(message())).toBe(true);
  });

  it('resolves false when the remote cannot be reached', async () => {
    remote = await FaultyRemote.start();
    const direct = new DirectDelivery();
    const inbox = remote.inbox().href;
    await remote.close();
    expect(await direct.send(message({ inbox }))).toBe(false);
  });
});

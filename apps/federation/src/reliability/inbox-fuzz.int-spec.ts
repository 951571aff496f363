import { signRequest } from '@fedify/fedify';
import type { RemoteServer } from '@fediflow/federation/testing';
import { TEST_ORIGIN } from '@fediflow/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startInboxScene,
  type FederationInstance,
  type InboxScene,
} from '../testing/federation-harness.testing';

/** Rows an inbound activity could leave behind; a refused delivery must leave none. */
const TABLES = [
  'accounts',
  'follows',
  'follow_requests',
  'statuses',
  'favourites',
  'notifications',
];

describe('fuzzing the inbox: no 5xx, no crash, nothing stored or queued for a refused delivery', () => {
  let scene: InboxScene;
  let service: FederationInstance;
  let remote: RemoteServer;

  beforeAll(async () => {
    scene = await startInboxScene('inbox-fuzz');
    ({ service, remote } = scene);
  });
  afterAll(async () => {
    await scene?.close();
  });

  const text = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.constantFrom('', 'a\u0000b', '\ud800', 'https://remote.example/users/x', 'Follow', 'Create'),
  );
  const actor = fc.oneof(
    fc.constant(() => remote.actorId.href),
    text.map((value) => () => value),
    fc.constant(() => ({ id: remote.actorId.href })),
    fc.constant(() => [remote.actorId.href, 'https://other.example/u']),
  );
  const activity = fc.record(
    {
      '@context': fc.oneof(
        fc.constant('https://www.w3.org/ns/activitystreams'),
        fc.jsonValue({ maxDepth: 2 }),
      ),
      id: text,
      type: fc.oneof(
        fc.constantFrom('Follow', 'Create', 'Like', 'Announce', 'Undo', 'Delete', 'Update'),
        text,
        fc.array(text, { maxLength: 2 }),
      ),
      actor,
      object: fc.oneof(fc.constant(`${TEST_ORIGIN}/users/alice`), fc.jsonValue({ maxDepth: 4 })),
      content: text,
    },
    { requiredKeys: [] },
  );
  const delivery = fc.record({
    body: fc.oneof(
      activity.map((fields) => {
        const resolved = Object.fromEntries(
          Object.entries(fields).map(([name, item]) => [
            name,
            typeof item === 'function' ? (item as () => unknown)() : item,
          ]),
        );
        return JSON.stringify(resolved);
      }),
      fc.json({ maxDepth: 4 }),
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.integer({ min: 60, max: 300 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
    ),
    contentType: fc.oneof(
      fc.constantFrom(
        'application/activity+json',
        'application/ld+json; profile="https://www.w3.org/ns/activitystreams"',
        'application/json',
        'text/plain',
        'application/x-www-form-urlencoded',
      ),
      fc.string({ maxLength: 30 }),
    ),
    signature: fc.constantFrom('bob', 'none', 'garbage', 'not-base64'),
    path: fc.constantFrom('/inbox', '/users/alice/inbox', '/users/nobody/inbox'),
  });

  const rowCounts = async () => {
    const [row] = (await scene.env.db.query(
      `SELECT ${TABLES.map((table) => `(SELECT count(*)::int FROM ${table}) AS ${table}`).join(', ')}`,
    )) as Record<string, number>[];
    return row!;
  };
  const queued = async () => {
    const stats = await service.runtime.queue.stats();
    return stats.ready + stats.delayed + stats.inFlight;
  };

  // Found by the property below (seed 99749106): jsonld's error escaped Fedify as a 500.
  it('refuses a signed activity whose @context JSON-LD cannot load with 400 and a reason', async () => {
    const body = JSON.stringify({
      '@context': "Bio@G'B",
      id: 'https://remote.example/follows/1',
      type: 'Follow',
      actor: remote.actorId.href,
    });
    const request = await signRequest(
      new Request(`${service.base}/inbox`, {
        method: 'POST',
        headers: { 'content-type': 'application/activity+json' },
        body,
      }),
      remote.keys.privateKey,
      remote.keyId,
      { spec: 'draft-cavage-http-signatures-12' },
    );
    const [rowsBefore, queuedBefore] = [await rowCounts(), await queued()];
    const response = await fetch(request);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: "the activity's JSON-LD is invalid: loading remote context failed",
    });
    expect(await queued()).toBe(queuedBefore);
    expect(await rowCounts()).toEqual(rowsBefore);
  });

  it('answers every generated delivery below 500 and keeps nothing it refused', async () => {
    await fc.assert(
      fc.asyncProperty(delivery, async (input) => {
        let request = new Request(`${service.base}${input.path}`, {
          method: 'POST',
          headers: { 'content-type': input.contentType.replace(/[^\t\x20-\x7e]/g, '') },
          body: input.body,
        });
        if (input.signature !== 'none') {
          request = await signRequest(request, remote.keys.privateKey, remote.keyId, {
            spec: 'draft-cavage-http-signatures-12',
          });
        }
        if (input.signature === 'garbage' || input.signature === 'not-base64') {
          const headers = new Headers(request.headers);
          const value = input.signature === 'garbage' ? '=?*' : '%%%not base64!!!';
          headers.set(
            'signature',
            headers.get('signature')!.replace(/signature="[^"]*"/, `signature="${value}"`),
          );
          request = new Request(request.url, { method: 'POST', headers, body: input.body });
        }
        const [rowsBefore, queuedBefore] = [await rowCounts(), await queued()];
        const response = await fetch(request, { signal: AbortSignal.timeout(10_000) });
        const answer = await response.text();
        expect(response.status, answer).toBeLessThan(500);
        if (response.status >= 400) {
          expect(await queued()).toBe(queuedBefore);
          expect(await rowCounts()).toEqual(rowsBefore);
        }
      }),
      // Bounded so the property costs a few seconds (each run signs and sends one request).
      { numRuns: 150, endOnFailure: true },
    );
    expect((await fetch(`${service.base}/health`)).status).toBe(200);
  });
});

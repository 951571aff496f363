import { signRequest } from '@fedify/fedify';
import type { RemoteServer } from '@fediflow/federation/testing';
import { RedisServerProcess, waitFor, TEST_ORIGIN } from '@fediflow/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startInboxScene,
  type FederationInstance,
  type InboxScene,
} from '../testing/federation-harness.testing';

/** Generous bound for "answers at once" on a shared, noisy machine; a hang is 5 s and more. */
const PROMPT_MS = 2_500;

describe('inbox under bad input and a dead Redis: 4xx with a reason or 503, never 500 or a hang', () => {
  let scene: InboxScene;
  let redis: RedisServerProcess;
  let service: FederationInstance;
  let remote: RemoteServer;
  let sequence = 0;

  beforeAll(async () => {
    redis = await RedisServerProcess.start();
    scene = await startInboxScene('inbox-reliability', { REDIS_URL: redis.url });
    ({ service, remote } = scene);
  });
  afterAll(async () => {
    await scene?.close();
    await redis?.stop();
  });

  const follow = () => ({
    '@context': 'https://www.w3.org/ns/activitystreams',
    id: `${remote.origin}/follows/reliability-${++sequence}`,
    type: 'Follow',
    actor: remote.actorId.href,
    object: `${TEST_ORIGIN}/users/alice`,
  });

  const signed = (body: string, contentType = 'application/activity+json') =>
    signRequest(
      new Request(`${service.base}/inbox`, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body,
      }),
      remote.keys.privateKey,
      remote.keyId,
      { spec: 'draft-cavage-http-signatures-12' },
    );

  async function timed(request: Request) {
    const started = performance.now();
    const response = await fetch(request, { signal: AbortSignal.timeout(10_000) });
    const body = (await response.json().catch(() => ({}))) as { error?: string };
    return {
      status: response.status,
      body,
      headers: response.headers,
      ms: performance.now() - started,
    };
  }

  it('answers 400 with the reason for a 10,000-deep nested body, before any JSON-LD work', async () => {
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    const body = JSON.stringify({ ...follow(), object: 'PLACEHOLDER' }).replace(
      '"PLACEHOLDER"',
      deep,
    );
    const { status, body: answer } = await timed(await signed(body));
    expect(status).toBe(400);
    expect(answer.error).toMatch(/nested deeper than 64 levels/);
  });

  it('answers 401 for a signature value that is not base64', async () => {
    const request = await signed(JSON.stringify(follow()));
    const headers = new Headers(request.headers);
    headers.set(
      'signature',
      headers.get('signature')!.replace(/signature="[^"]*"/, 'signature="%%%not base64!!!"'),
    );
    const forged = new Request(request.url, {
      method: 'POST',
      headers,
      body: JSON.stringify(follow()),
    });
    const { status, body } = await timed(forged);
    expect(status).toBe(401);
    expect(body.error).toMatch(/not base64/);
  });

  it('answers 400 for an activity carrying a NUL character', async () => {
    const { status, body } = await timed(
      await signed(JSON.stringify({ ...follow(), summary: 'a\u0000b' })),
    );
    expect(status).toBe(400);
    expect(body.error).toMatch(/summary contains a NUL/);
  });

  it('refuses what is not an ActivityPub media type with 415, accepts both that are', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/json']) {
      const { status, body } = await timed(await signed(JSON.stringify(follow()), type));
      expect(status, type).toBe(415);
      expect(body.error).toMatch(/application\/activity\+json or application\/ld\+json/);
    }
    for (const type of [
      'application/activity+json',
      'application/ld+json; profile="https://www.w3.org/ns/activitystreams"',
    ]) {
      const { status } = await timed(await signed(JSON.stringify(follow()), type));
      expect(status, type).toBe(202);
    }
  });

  it('answers 503 with Retry-After at once while Redis is down, and 202 again once it is back', async () => {
    await redis.stop();
    try {
      for (let i = 0; i < 3; i++) {
        const { status, headers, ms, body } = await timed(await signed(JSON.stringify(follow())));
        expect(status, JSON.stringify(body)).toBe(503);
        expect(headers.get('retry-after')).toMatch(/^\d+$/);
        expect(body.error).toMatch(/redis is unavailable/i);
        expect(ms).toBeLessThan(PROMPT_MS);
      }
    } finally {
      await redis.start();
    }
    await waitFor('the inbox to accept again', async () => {
      const { status } = await timed(await signed(JSON.stringify(follow())));
      return status === 202 ? true : undefined;
    });
  });
});

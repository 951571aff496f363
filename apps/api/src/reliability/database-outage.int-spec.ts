import { registerApp, registerMembers, waitFor, type Member } from '@fediflow/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from '../testing/api-harness.testing';

/** Generous bound for "answers at once" on a shared, noisy machine; a hang is 5 s and more. */
const PROMPT_MS = 2_500;

describe('the API while PostgreSQL is cut or black-holed: prompt 503s, recovery without restart', () => {
  let api: ApiHarness;
  let alice: Member;

  beforeAll(async () => {
    api = await startApi('database-outage', {}, { databaseProxy: true });
    const app = await registerApp(api.base);
    [alice] = await registerMembers(api.base, app, ['alice']);
  });
  afterAll(async () => {
    await api?.close();
  });

  async function timed(path: string, init: RequestInit = {}) {
    const started = performance.now();
    const response = await fetch(`${api.base}${path}`, {
      ...init,
      signal: AbortSignal.timeout(15_000),
    });
    const body = (await response.json().catch(() => ({}))) as { error?: string };
    return {
      status: response.status,
      body,
      headers: response.headers,
      ms: performance.now() - started,
    };
  }

  const statusCount = async () =>
    Number(
      ((await api.db.query(`SELECT count(*)::int AS n FROM statuses`)) as { n: number }[])[0]!.n,
    );

  /** A light load of reads and writes; every answer must be a prompt 503 with Retry-After. */
  async function expectPrompt503s(): Promise<void> {
    const before = await statusCount();
    const token = alice.client.token!;
    const requests = Array.from({ length: 6 }, (_, i) =>
      i % 2 === 0
        ? timed('/api/v1/timelines/public')
        : timed('/api/v1/statuses', {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ status: `during the outage ${i}` }),
          }),
    );
    for (const { status, headers, ms, body } of await Promise.all(requests)) {
      expect(status, JSON.stringify(body)).toBe(503);
      expect(headers.get('retry-after')).toMatch(/^\d+$/);
      expect(body.error).toMatch(/database is unavailable/);
      expect(ms).toBeLessThan(PROMPT_MS);
    }
    expect(await statusCount()).toBe(before);
  }

  async function expectRecovery(): Promise<void> {
    await waitFor('the API to answer 200 again', async () =>
      (await timed('/api/v1/timelines/public')).status === 200 ? true : undefined,
    );
    const { status } = await timed('/api/v1/statuses', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${alice.client.token!}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ status: 'after the outage' }),
    });
    expect(status).toBe(200);
  }

  it('answers 503 with Retry-After promptly while PostgreSQL is cut, then recovers', async () => {
    expect((await timed('/api/v1/timelines/public')).status).toBe(200);
    api.proxy!.cut();
    try {
      await expectPrompt503s();
      // A browser client can read the 503 too (CORS headers are on it).
      const browser = await timed('/api/v1/timelines/public', {
        headers: { origin: 'https://client.example' },
      });
      expect(browser.status).toBe(503);
      expect(browser.headers.get('access-control-allow-origin')).toBe('*');
      // Probes: liveness stays up (no restarts), readiness says why it is not ready.
      expect((await timed('/health')).status).toBe(200);
      expect((await timed('/ready')).status).toBe(503);
    } finally {
      api.proxy!.resume();
    }
    await expectRecovery();
  });

  it('answers 503 promptly while PostgreSQL is black-holed (no answer at all), then recovers', async () => {
    expect((await timed('/api/v1/timelines/public')).status).toBe(200);
    api.proxy!.blackhole();
    try {
      // The first requests find out with the heartbeat or their own query timeout.
      await expectPrompt503s();
      await expectPrompt503s();
    } finally {
      api.proxy!.resume();
    }
    await expectRecovery();
  });
});

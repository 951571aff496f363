import { MastodonClient, registerApp, registerMembers, type Member } from '@fediflow/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from '../testing/api-harness.testing';

/**
 * Input that used to reach PostgreSQL and fail there as a 500: ids beyond bigint, NUL
 * characters (PostgreSQL text cannot hold them), bodies nested thousands deep. Each must be a 4xx
 * with a reason, and nothing may be stored for it.
 */
describe('API input limits: ids, NUL, lone surrogates, JSON depth', () => {
  let api: ApiHarness;
  let alice: Member;
  let anonymous: MastodonClient;

  beforeAll(async () => {
    api = await startApi('input-limits');
    const app = await registerApp(api.base);
    [alice] = await registerMembers(api.base, app, ['alice']);
    anonymous = new MastodonClient(api.base);
  });
  afterAll(async () => {
    await api?.close();
  });

  const statusCount = async () =>
    ((await api.db.query(`SELECT count(*)::int AS n FROM statuses`)) as { n: number }[])[0]!.n;

  it('answers 422 naming the parameter for pagination ids beyond the bigint range', async () => {
    for (const name of ['max_id', 'since_id', 'min_id']) {
      for (const path of ['/api/v1/timelines/public', '/api/v1/timelines/home']) {
        const response = await alice.client.get<{ error: string }>(
          `${path}?${name}=9999999999999999999`,
        );
        expect(response.status, `${path} ${name}`).toBe(422);
        expect(response.body.error).toContain(name);
      }
    }
    // The largest bigint itself is a valid id.
    const largest = await anonymous.get(`/api/v1/timelines/public?max_id=9223372036854775807`);
    expect(largest.status).toBe(200);
  });

  it('answers 404 for path ids beyond the bigint range', async () => {
    const response = await anonymous.get('/api/v1/statuses/9999999999999999999');
    expect(response.status).toBe(404);
  });

  /** A multipart/form-data request, as masto.js sends writes. */
  async function multipart(method: string, path: string, fields: Record<string, string>) {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    const response = await fetch(`${alice.client.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${alice.client.token}` },
      body: form,
    });
    return { status: response.status, body: (await response.json()) as unknown };
  }

  it('refuses NUL in a status, a content warning, a display name or a form body with 400', async () => {
    const before = await statusCount();
    const cases: [string, Promise<{ status: number; body: unknown }>][] = [
      ['status (JSON)', alice.client.post('/api/v1/statuses', { status: 'a\u0000b' })],
      [
        'content warning (JSON)',
        alice.client.post('/api/v1/statuses', { status: 'ok', spoiler_text: 'cw\u0000' }),
      ],
      [
        'status (form)',
        alice.client.request('POST', '/api/v1/statuses', { form: { status: 'x\u0000y' } }),
      ],
      [
        'display name (form)',
        alice.client.request('PATCH', '/api/v1/accounts/update_credentials', {
          form: { display_name: 'A\u0000' },
        }),
      ],
      ['status (multipart)', multipart('POST', '/api/v1/statuses', { status: 'x\u0000y' })],
      [
        'display name (multipart)',
        multipart('PATCH', '/api/v1/accounts/update_credentials', { display_name: 'A\u0000' }),
      ],
    ];
    for (const [what, request] of cases) {
      const { status, body } = await request;
      expect(status, what).toBe(400);
      expect((body as { error: string }).error, what).toMatch(/must not contain NUL/);
    }
    expect(await statusCount()).toBe(before);
  });

  it('refuses NUL in a hashtag path or a query with 400', async () => {
    const tag = await anonymous.get<{ error: string }>('/api/v1/timelines/tag/a%00b');
    expect(tag.status).toBe(400);
    expect(tag.body.error).toMatch(/NUL/);
    const search = await alice.client.get<{ error: string }>('/api/v2/search?q=a%00b');
    expect(search.status).toBe(400);
  });

  it('stores lone surrogates as U+FFFD instead of failing', async () => {
    const body = '{"status":"broken \\ud800 pair"}';
    const response = await fetch(`${api.base}/api/v1/statuses`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${alice.client.token!}`,
        'content-type': 'application/json',
      },
      body,
    });
    expect(response.status).toBe(200);
    const status = (await response.json()) as { content: string };
    expect(status.content).toContain('broken \ufffd pair');
  });

  it('refuses JSON bodies nested deeper than 64 levels with 400, before parsing', async () => {
    const before = await statusCount();
    const deep = `{"status":"x","poll":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    const response = await fetch(`${api.base}/api/v1/statuses`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${alice.client.token!}`,
        'content-type': 'application/json',
      },
      body: deep,
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/nested deeper than 64/);
    expect(await statusCount()).toBe(before);
  });
});

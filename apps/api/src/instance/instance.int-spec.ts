import { MastodonClient, registerApp, registerMember } from '@fediflow/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from '../testing/api-harness.testing';

describe('instance, start-up endpoints, markers, CORS', () => {
  let api: ApiHarness;
  let anonymous: MastodonClient;

  beforeAll(async () => {
    api = await startApi('instance');
    anonymous = new MastodonClient(api.base);
  });
  afterAll(async () => {
    await api?.close();
  });

  it('describes the instance in v1 and v2 with real usage numbers', async () => {
    const app = await registerApp(api.base);
    const member = await registerMember(api.base, app, 'alice');
    await member.client.post('/api/v1/statuses', { status: 'one' });
    const v1 = await anonymous.get<Record<string, unknown>>('/api/v1/instance');
    expect(v1.body).toMatchObject({
      uri: 'fediflow.test',
      registrations: true,
      stats: { user_count: 1, status_count: 1, domain_count: 0 },
      configuration: { statuses: { max_characters: 500 } },
    });
    const v2 = await anonymous.get<Record<string, unknown>>('/api/v2/instance');
    expect(v2.body).toMatchObject({
      domain: 'fediflow.test',
      registrations: { enabled: true },
      usage: { users: { active_month: 1 } },
    });
    expect(String(v2.body['version'])).toMatch(/^4\.\d+\.\d+ \(compatible; FediFlow/);
  });

  it('advertises a wss:// streaming URL behind TLS, from the public origin, whatever the hop', async () => {
    // As the mesh delivers it: TLS ended at the ingress gateway, plain HTTP to the pod.
    const behindTls = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'fediflow.test' };
    for (const headers of [behindTls, {}]) {
      const v1 = await anonymous.request<{ urls: { streaming_api: string } }>(
        'GET',
        '/api/v1/instance',
        { headers },
      );
      expect(v1.body.urls.streaming_api).toBe('wss://fediflow.test');
      const v2 = await anonymous.request<{ configuration: { urls: { streaming: string } } }>(
        'GET',
        '/api/v2/instance',
        { headers },
      );
      expect(v2.body.configuration.urls.streaming).toBe('wss://fediflow.test');
    }
  });

  it('answers the endpoints clients call on start-up with empty but valid data', async () => {
    const app = await registerApp(api.base);
    const member = await registerMember(api.base, app, 'bob');
    for (const path of ['/api/v1/custom_emojis', '/api/v1/trends/tags', '/api/v1/trends']) {
      expect((await anonymous.get(path)).body, path).toEqual([]);
    }
    for (const path of [
      '/api/v1/announcements',
      '/api/v1/filters',
      '/api/v2/filters',
      '/api/v1/lists',
    ]) {
      expect((await member.client.get(path)).body, path).toEqual([]);
    }
    expect((await member.client.get('/api/v1/preferences')).body).toMatchObject({
      'posting:default:visibility': 'public',
    });
  });

  it('stores markers with versions, from JSON or form posts', async () => {
    const app = await registerApp(api.base);
    const member = await registerMember(api.base, app, 'carol');
    const saved = await member.client.post<
      Record<string, { last_read_id: string; version: number }>
    >('/api/v1/markers', { home: { last_read_id: '123' } });
    expect(saved.body['home']).toMatchObject({ last_read_id: '123', version: 1 });
    const form = await member.client.request<Record<string, { version: number }>>(
      'POST',
      '/api/v1/markers',
      {
        form: { 'home[last_read_id]': '124', 'notifications[last_read_id]': '7' },
      },
    );
    expect(form.body['home']?.version).toBe(2);
    const read = await member.client.get<Record<string, { last_read_id: string }>>(
      '/api/v1/markers?timeline[]=home',
    );
    expect(Object.keys(read.body)).toEqual(['home']);
    expect(read.body['home']?.last_read_id).toBe('124');
    const unknown = await member.client.get<Record<string, unknown>>(
      '/api/v1/markers?timeline[]=home&timeline[]=bookmarks',
    );
    expect(unknown.status).toBe(200);
    expect(Object.keys(unknown.body)).toEqual(['home']);
    expect((await member.client.post('/api/v1/markers', {})).status).toBe(422);
  });

  it('answers CORS as Mastodon does: every API method, the token endpoints, not the sign-in page', async () => {
    const preflight = (path: string, method: string, headers = 'authorization, content-type') =>
      fetch(`${api.base}${path}`, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://client.example',
          'access-control-request-method': method,
          'access-control-request-headers': headers,
        },
      });
    for (const method of ['PUT', 'DELETE', 'PATCH', 'POST', 'GET']) {
      const response = await preflight('/api/v1/statuses/1', method);
      expect(response.status, method).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('access-control-allow-methods')).toBe(
        'POST, PUT, DELETE, GET, PATCH, OPTIONS',
      );
      expect(response.headers.get('access-control-allow-headers')).toBe(
        'authorization, content-type',
      );
      expect(response.headers.get('access-control-max-age')).toBe('7200');
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    }
    const token = await preflight('/oauth/token', 'POST', 'content-type');
    expect(token.headers.get('access-control-allow-origin')).toBe('*');
    expect(token.headers.get('access-control-allow-methods')).toBe('POST');
    const metadata = await preflight('/.well-known/oauth-authorization-server', 'GET');
    expect(metadata.headers.get('access-control-allow-methods')).toBe('GET');

    const actual = await anonymous.request('GET', '/api/v1/timelines/public', {
      headers: { origin: 'https://x.example' },
    });
    expect(actual.headers.get('access-control-allow-origin')).toBe('*');
    expect(actual.headers.get('access-control-expose-headers')).toBe(
      'Link, X-RateLimit-Reset, X-RateLimit-Limit, X-RateLimit-Remaining, X-Request-Id',
    );

    const page = await fetch(`${api.base}/oauth/authorize`, {
      headers: { origin: 'https://x.example' },
    });
    expect(page.headers.get('access-control-allow-origin')).toBeNull();
    const pagePreflight = await preflight('/oauth/authorize', 'POST');
    expect(pagePreflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers unknown routes with a Mastodon 404', async () => {
    const response = await anonymous.get('/api/v1/nope');
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ error: 'Record not found' });
  });
});

describe('rate limiting against Redis', () => {
  let api: ApiHarness;
  beforeAll(async () => {
    api = await startApi('rate-limit', {
      RATE_LIMIT_ENABLED: 'true',
      RATE_LIMIT_MAX: '6',
      RATE_LIMIT_WINDOW_SECONDS: '300',
    });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('limits per IP with Mastodon headers and 429, and per token separately', async () => {
    // Two anonymous calls from this IP (app registration, app token); the rest go on tokens.
    const member = await registerMember(api.base, await registerApp(api.base), 'alice');
    const anonymous = new MastodonClient(api.base);
    const responses = [];
    for (let i = 0; i < 5; i++) responses.push(await anonymous.get('/api/v1/timelines/public'));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 429]);
    expect(responses[0]?.headers.get('x-ratelimit-limit')).toBe('6');
    expect(responses[0]?.headers.get('x-ratelimit-remaining')).toBe('3');
    expect(new Date(responses[0]!.headers.get('x-ratelimit-reset')!).getTime()).toBeGreaterThan(
      Date.now(),
    );
    expect(responses[4]?.body).toEqual({ error: 'Too many requests' });
    expect(responses[4]?.headers.get('retry-after')).toMatch(/^\d+$/);

    // The member's token has its own budget; probes are never limited.
    expect((await member.client.get('/api/v1/timelines/home')).status).toBe(200);
    expect((await fetch(`${api.base}/health`)).status).toBe(200);
    // Counters live in Redis below the service's key prefix, one per IP and per token.
    const raw = new Redis(api.infra.redisUrl);
    try {
      const keys = await raw.keys(`${api.infra.redis.prefix}:rate-limit:*`);
      expect(keys.filter((key) => key.includes(':ip:'))).toHaveLength(1);
      expect(keys.filter((key) => key.includes(':token:')).length).toBeGreaterThanOrEqual(2);
    } finally {
      raw.disconnect();
    }
  });
});

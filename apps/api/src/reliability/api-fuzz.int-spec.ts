import { registerApp, registerMembers, type Member } from '@fediflow/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type ApiHarness } from '../testing/api-harness.testing';
import { apiRoutes, type ApiRoute } from './route-listing.testing';

/** Tables a request can add rows to; a refused request must add or remove none. */
const TABLES = [
  'accounts',
  'users',
  'oauth_applications',
  'oauth_authorization_codes',
  'oauth_access_tokens',
  'follows',
  'follow_requests',
  'statuses',
  'mentions',
  'tags',
  'status_tags',
  'favourites',
  'notifications',
  'idempotency_keys',
  'markers',
];

/** Parameter names the Mastodon API (and so this one) reads somewhere, and a few it never does. */
const KNOWN_KEYS = [
  'status',
  'spoiler_text',
  'visibility',
  'in_reply_to_id',
  'sensitive',
  'language',
  'media_ids',
  'poll',
  'display_name',
  'note',
  'locked',
  'bot',
  'discoverable',
  'q',
  'type',
  'resolve',
  'limit',
  'max_id',
  'since_id',
  'min_id',
  'offset',
  'following',
  'acct',
  'id',
  'id[]',
  'types[]',
  'exclude_types[]',
  'timeline[]',
  'last_read_id',
  'client_name',
  'redirect_uris',
  'scopes',
  'website',
  'grant_type',
  'client_id',
  'client_secret',
  'code',
  'redirect_uri',
  'code_verifier',
  'response_type',
  'code_challenge',
  'username',
  'email',
  'password',
  'agreement',
  'locale',
  'token',
  'local',
  'remote',
  'only_media',
  'decision',
  'state',
  '__proto__',
  'constructor',
];

/** Strings as clients and attackers send them: ids out of range, NUL, lone surrogates, markup. */
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    '0',
    '-1',
    '1e9',
    '9223372036854775807',
    '9223372036854775808',
    '9999999999999999999',
    'a\u0000b',
    '\ud800',
    '\udfff x',
    '<script>alert(1)</script>',
    '%00',
    '../../etc/passwd',
    'true',
    'null',
    'public',
    'direct',
    'read write follow push',
    'urn:ietf:wg:oauth:2.0:oob',
  ),
  fc.bigInt({ min: 0n, max: 2n ** 70n }).map(String),
);
const value = fc.oneof(
  { depthSize: 'small' },
  text,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(text, { maxLength: 3 }),
  fc.jsonValue({ maxDepth: 3 }),
);
const key = fc.oneof(fc.constantFrom(...KNOWN_KEYS), fc.string({ maxLength: 12 }));

/** Every byte percent-encoded (UTF-8; a lone surrogate becomes U+FFFD, as on the wire). */
const percentEncode = (value: string) =>
  [...Buffer.from(value, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');

const request = (routes: ApiRoute[]) =>
  fc.record({
    route: fc.constantFrom(...routes),
    params: fc.array(text, { minLength: 4, maxLength: 4 }),
    query: fc.dictionary(key, text, { maxKeys: 4 }),
    body: fc.dictionary(key, value, { maxKeys: 5 }),
    encoding: fc.constantFrom('json', 'form', 'none'),
    auth: fc.constantFrom('member', 'anonymous', 'garbage'),
  });

describe('fuzzing every API route: no 5xx, no crash, nothing stored for a refused request', () => {
  let api: ApiHarness;
  let alice: Member;
  let routes: ApiRoute[];

  beforeAll(async () => {
    api = await startApi('api-fuzz');
    const app = await registerApp(api.base);
    [alice] = await registerMembers(api.base, app, ['alice']);
    await alice.client.post('/api/v1/statuses', { status: 'something to act on' });
    routes = apiRoutes(api.service.app.getHttpAdapter().getInstance().printRoutes());
  });
  afterAll(async () => {
    await api?.close();
  });

  const rowCounts = async (): Promise<Record<string, number>> => {
    const [row] = (await api.db.query(
      `SELECT ${TABLES.map((table) => `(SELECT count(*)::int FROM ${table}) AS ${table}`).join(', ')}`,
    )) as Record<string, number>[];
    return row!;
  };

  it('knows the routes it fuzzes', () => {
    const listed = routes.map((route) => `${route.method} ${route.path}`);
    expect(listed).toContain('POST /api/v1/statuses');
    expect(listed).toContain('GET /api/v1/timelines/tag/:hashtag');
    expect(listed).toContain('PATCH /api/v1/accounts/update_credentials');
    expect(listed).toContain('POST /oauth/token');
    expect(routes.length).toBeGreaterThan(40);
  });

  it('answers every generated request below 500 and stores nothing when it refuses', async () => {
    await fc.assert(
      fc.asyncProperty(request(routes), async (input) => {
        let index = 0;
        const path = input.route.path.replace(/:[a-z_]+/g, () =>
          percentEncode(input.params[index++] ?? ''),
        );
        const url = new URL(path, api.base);
        for (const [name, item] of Object.entries(input.query)) url.searchParams.append(name, item);
        const headers: Record<string, string> = {};
        if (input.auth === 'member') headers['authorization'] = `Bearer ${alice.client.token!}`;
        if (input.auth === 'garbage') headers['authorization'] = 'Bearer \u00ff\u00fe not a token';
        let body: string | undefined;
        if (input.route.method !== 'GET' && input.encoding === 'json') {
          headers['content-type'] = 'application/json';
          body = JSON.stringify(input.body);
        } else if (input.route.method !== 'GET' && input.encoding === 'form') {
          headers['content-type'] = 'application/x-www-form-urlencoded';
          const form = new URLSearchParams();
          for (const [name, item] of Object.entries(input.body))
            form.append(name, typeof item === 'string' ? item : JSON.stringify(item));
          body = form.toString();
        }
        const before = await rowCounts();
        const response = await fetch(url, {
          method: input.route.method,
          headers,
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(10_000),
        });
        // An accepted streaming request (SSE) stays open by design: its status is the answer.
        const streaming = response.headers.get('content-type')?.startsWith('text/event-stream');
        if (streaming) await response.body?.cancel();
        const answer = streaming ? '' : await response.text();
        expect(response.status, `${input.route.method} ${url.pathname}: ${answer}`).toBeLessThan(
          500,
        );
        if (response.status >= 400) {
          expect(await rowCounts(), `${input.route.method} ${url.pathname}`).toEqual(before);
        }
      }),
      // Bounded so the property costs a few seconds: each run is one request and two counts.
      { numRuns: 300, endOnFailure: true },
    );
    expect((await fetch(`${api.base}/health`)).status).toBe(200);
  });
});

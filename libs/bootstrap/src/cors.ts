import cors from '@fastify/cors';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/** One path family that browsers on any origin may call, and how. */
export interface CorsRule {
  readonly name: string;
  readonly path: RegExp;
  readonly methods: readonly string[];
  readonly exposedHeaders?: readonly string[];
}

/**
 * Mastodon's CORS policy (config/initializers/cors.rb, rack-cors): any origin, no credentials,
 * every requested header allowed. The API takes every method it has; discovery documents and
 * actors are read-only; the token endpoints take POST. Both public services apply the same table,
 * each matching only the paths it serves.
 */
export const CORS_RULES: readonly CorsRule[] = [
  { name: 'well-known', path: /^\/\.well-known\/[^?#]*$/, methods: ['GET'] },
  { name: 'nodeinfo', path: /^\/nodeinfo\/[^?#]*$/, methods: ['GET'] },
  { name: 'profile', path: /^\/@[^/?#]+$/, methods: ['GET'] },
  { name: 'actor', path: /^\/users\/[^/?#]+$/, methods: ['GET'] },
  {
    name: 'api',
    path: /^\/api\/[^?#]*$/,
    methods: ['POST', 'PUT', 'DELETE', 'GET', 'PATCH', 'OPTIONS'],
    exposedHeaders: [
      'Link',
      'X-RateLimit-Reset',
      'X-RateLimit-Limit',
      'X-RateLimit-Remaining',
      'X-Request-Id',
    ],
  },
  { name: 'oauth-token', path: /^\/oauth\/(token|revoke)$/, methods: ['POST'] },
  { name: 'oauth-userinfo', path: /^\/oauth\/userinfo$/, methods: ['GET', 'POST'] },
];

/** rack-cors' default, which Mastodon keeps (and the most Chromium honours). */
export const CORS_MAX_AGE_SECONDS = 7200;

export function corsRuleFor(url: string): CorsRule | undefined {
  const path = url.split('?', 1)[0] ?? '';
  return CORS_RULES.find((rule) => rule.path.test(path));
}

/** @fastify/cors options per rule, built once (the delegator runs on every request). */
const RULE_OPTIONS = new Map(
  CORS_RULES.map((rule) => [
    rule,
    {
      origin: '*',
      methods: [...rule.methods],
      ...(rule.exposedHeaders && { exposedHeaders: [...rule.exposedHeaders] }),
      maxAge: CORS_MAX_AGE_SECONDS,
      // Mastodon (rack-cors) answers a preflight with 200.
      optionsSuccessStatus: 200,
    },
  ]),
);
const NO_CORS = { origin: false } as const;

/**
 * Registers @fastify/cors with `CORS_RULES`. Preflights are answered in `onRequest`, before
 * authentication or rate limits could refuse them; other paths get no CORS headers at all.
 */
export async function registerCors(app: NestFastifyApplication): Promise<void> {
  await app.register(cors, {
    hook: 'onRequest',
    delegator: (request, callback) => {
      const rule = corsRuleFor(request.url ?? '');
      callback(null, (rule && RULE_OPTIONS.get(rule)) ?? NO_CORS);
    },
  });
}

import { describe, expect, it } from 'vitest';
import { PUBLIC_ROUTES, routeFor, routesInMatchOrder, type PublicRoute } from './public-routes';

describe('PUBLIC_ROUTES', () => {
  it('sends the ActivityPub surface to federation and everything else to api', () => {
    const cases: Array<[string, string]> = [
      ['/.well-known/webfinger?resource=acct:alice@example.org', 'federation'],
      ['/.well-known/host-meta', 'federation'],
      ['/.well-known/host-meta.json', 'federation'],
      ['/.well-known/nodeinfo', 'federation'],
      ['/nodeinfo/2.1', 'federation'],
      ['/users/alice/outbox?page=2', 'federation'],
      ['/inbox', 'federation'],
      ['/actor', 'federation'],
      ['/objects/123', 'federation'],
      ['/api/v1/statuses', 'api'],
      ['/api/v1/streaming?stream=user', 'api'],
      ['/api/v1/streaming/public/local', 'api'],
      ['/oauth/token', 'api'],
      ['/.well-known/oauth-authorization-server', 'api'],
      ['/', 'api'],
      ['/about', 'api'],
      // Exact matches do not leak to longer paths.
      ['/inboxes', 'api'],
      ['/actors', 'api'],
    ];
    for (const [path, service] of cases) expect(routeFor(path).service, path).toBe(service);
  });

  it('never routes to workers and has unique names and paths', () => {
    expect(new Set(PUBLIC_ROUTES.map((route) => route.service))).toEqual(
      new Set(['api', 'federation']),
    );
    expect(new Set(PUBLIC_ROUTES.map((route) => route.name)).size).toBe(PUBLIC_ROUTES.length);
    const keys = PUBLIC_ROUTES.map((route) => `${route.match.kind}:${route.match.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('sends the streaming API, WebSocket and SSE, to its streaming route', () => {
    for (const path of [
      '/api/v1/streaming',
      '/api/v1/streaming/user?x=1',
      '/api/v1/streaming/health',
    ]) {
      expect(routeFor(path).name, path).toBe('streaming');
    }
    expect(routeFor('/api/v1/statuses').name).toBe('api');
  });

  it('gives streaming routes neither a deadline nor retries', () => {
    const streaming = PUBLIC_ROUTES.filter((route) => route.streaming);
    expect(streaming.map((route) => route.name)).toEqual(['streaming']);
    for (const route of streaming) {
      expect(route.timeoutSeconds, route.name).toBe(0);
      expect(route.retries.attempts, route.name).toBe(0);
    }
  });

  it('gives every other route a timeout its retries fit in', () => {
    for (const route of PUBLIC_ROUTES.filter((candidate) => !candidate.streaming)) {
      expect(route.timeoutSeconds, route.name).toBeGreaterThan(0);
      expect(route.retries.perTryTimeoutSeconds, route.name).toBeLessThanOrEqual(
        route.timeoutSeconds,
      );
      expect(route.retries.attempts, route.name).toBeGreaterThanOrEqual(1);
    }
  });

  it('orders exact paths first and the catch-all last', () => {
    const ordered = routesInMatchOrder();
    expect(ordered.at(-1)?.match).toEqual({ kind: 'prefix', path: '/' });
    const firstPrefix = ordered.findIndex((route) => route.match.kind === 'prefix');
    expect(ordered.slice(firstPrefix).every((route) => route.match.kind === 'prefix')).toBe(true);
  });

  it('refuses a table without a catch-all', () => {
    const only: PublicRoute[] = PUBLIC_ROUTES.filter((route) => route.match.path !== '/');
    expect(() => routeFor('/about', only)).toThrow(/No public route for \/about/);
  });
});

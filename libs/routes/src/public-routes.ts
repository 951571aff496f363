/** The services that receive public traffic; `workers` never does. */
export type PublicService = 'api' | 'federation';

export interface PathMatch {
  /** `exact` matches the path alone (the query string is ignored); `prefix` matches its start. */
  readonly kind: 'exact' | 'prefix';
  readonly path: string;
}

export interface RetryPolicy {
  readonly attempts: number;
  readonly perTryTimeoutSeconds: number;
  /**
   * Envoy retry conditions. Routes that accept writes only retry when the request cannot have
   * reached the service (connection refused or reset before a response); read-only routes also
   * retry on gateway errors.
   */
  readonly retryOn: string;
}

export interface PublicRoute {
  /** Stable identifier, used as the route name in the mesh and in metrics. */
  readonly name: string;
  readonly match: PathMatch;
  readonly service: PublicService;
  /** The whole exchange's deadline; 0 is none (Istio's and Envoy's meaning of `0s`). */
  readonly timeoutSeconds: number;
  /** `attempts: 0` is no retries (Istio otherwise applies its default retry policy). */
  readonly retries: RetryPolicy;
  /**
   * Long-lived responses (the streaming API's WebSocket and Server-Sent Events): no deadline and
   * no retries, as a stream that ends early is reopened by the client, not by the proxy.
   */
  readonly streaming: boolean;
}

const NOT_DELIVERED = 'connect-failure,refused-stream,unavailable,cancelled';
const READ_ONLY = `${NOT_DELIVERED},gateway-error`;

const lookup = (timeoutSeconds: number) => ({
  timeoutSeconds,
  retries: { attempts: 2, perTryTimeoutSeconds: timeoutSeconds / 2, retryOn: READ_ONLY },
  streaming: false,
});
const writes = (timeoutSeconds: number) => ({
  timeoutSeconds,
  retries: { attempts: 2, perTryTimeoutSeconds: timeoutSeconds, retryOn: NOT_DELIVERED },
  streaming: false,
});
const streams = () => ({
  timeoutSeconds: 0,
  retries: { attempts: 0, perTryTimeoutSeconds: 0, retryOn: '' },
  streaming: true,
});

/**
 * Every public path of the single FediFlow origin and the service behind it. The Istio
 * VirtualService is checked against this table (tools/manifests), and local gateways or tests can
 * route with `routeFor`.
 */
export const PUBLIC_ROUTES: readonly PublicRoute[] = [
  {
    name: 'webfinger',
    match: { kind: 'exact', path: '/.well-known/webfinger' },
    service: 'federation',
    ...lookup(4),
  },
  {
    name: 'host-meta',
    match: { kind: 'prefix', path: '/.well-known/host-meta' },
    service: 'federation',
    ...lookup(4),
  },
  {
    name: 'nodeinfo-discovery',
    match: { kind: 'exact', path: '/.well-known/nodeinfo' },
    service: 'federation',
    ...lookup(4),
  },
  {
    name: 'nodeinfo',
    match: { kind: 'prefix', path: '/nodeinfo/' },
    service: 'federation',
    ...lookup(4),
  },
  {
    name: 'actors',
    match: { kind: 'prefix', path: '/users/' },
    service: 'federation',
    ...writes(15),
  },
  {
    name: 'shared-inbox',
    match: { kind: 'exact', path: '/inbox' },
    service: 'federation',
    ...writes(15),
  },
  {
    name: 'instance-actor',
    match: { kind: 'exact', path: '/actor' },
    service: 'federation',
    ...lookup(4),
  },
  {
    name: 'objects',
    match: { kind: 'prefix', path: '/objects/' },
    service: 'federation',
    ...lookup(10),
  },
  {
    name: 'oauth-metadata',
    match: { kind: 'exact', path: '/.well-known/oauth-authorization-server' },
    service: 'api',
    ...lookup(4),
  },
  { name: 'oauth', match: { kind: 'prefix', path: '/oauth/' }, service: 'api', ...writes(10) },
  // Mastodon's streaming API: `GET /api/v1/streaming` (WebSocket) and `/api/v1/streaming/*` (SSE).
  {
    name: 'streaming',
    match: { kind: 'prefix', path: '/api/v1/streaming' },
    service: 'api',
    ...streams(),
  },
  { name: 'api', match: { kind: 'prefix', path: '/api/' }, service: 'api', ...writes(30) },
  { name: 'default', match: { kind: 'prefix', path: '/' }, service: 'api', ...writes(30) },
];

function matches(match: PathMatch, path: string): boolean {
  return match.kind === 'exact' ? path === match.path : path.startsWith(match.path);
}

/**
 * Routes in the order a first-match router must try them: exact paths first, then prefixes from
 * the longest, so `/` comes last.
 */
export function routesInMatchOrder(routes: readonly PublicRoute[] = PUBLIC_ROUTES): PublicRoute[] {
  const rank = (route: PublicRoute) => (route.match.kind === 'exact' ? 0 : 1);
  return [...routes].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      b.match.path.length - a.match.path.length ||
      a.match.path.localeCompare(b.match.path),
  );
}

/** The route serving a request path (query string allowed), as the mesh would pick it. */
export function routeFor(
  pathWithQuery: string,
  routes: readonly PublicRoute[] = PUBLIC_ROUTES,
): PublicRoute {
  const path = pathWithQuery.split('?', 1)[0] ?? '';
  const route = routesInMatchOrder(routes).find((candidate) => matches(candidate.match, path));
  if (!route)
    throw new Error(`No public route for ${path}; the table must end with the "/" prefix`);
  return route;
}

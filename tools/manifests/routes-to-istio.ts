import { routesInMatchOrder, type PublicRoute } from '@fediflow/routes';

/** The `spec.http` entries a VirtualService must hold for the route table, in match order. */
export function virtualServiceHttpRoutes(
  routes?: readonly PublicRoute[],
): Record<string, unknown>[] {
  return routesInMatchOrder(routes).map((route) => ({
    name: route.name,
    match: [{ uri: { [route.match.kind]: route.match.path } }],
    route: [{ destination: { host: route.service, port: { number: 80 } } }],
    // `0s` disables the route timeout; `attempts: 0` disables retries (an absent `retries`
    // would get Istio's default policy).
    timeout: `${route.timeoutSeconds}s`,
    retries:
      route.retries.attempts === 0
        ? { attempts: 0 }
        : {
            attempts: route.retries.attempts,
            perTryTimeout: `${route.retries.perTryTimeoutSeconds}s`,
            retryOn: route.retries.retryOn,
          },
  }));
}

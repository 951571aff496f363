/** A route the API serves, as Fastify lists it: `POST /api/v1/statuses/:id/favourite`. */
export interface ApiRoute {
  method: string;
  path: string;
}

/** Probes and CORS pre-flights are not API input. */
const SKIPPED_METHODS = new Set(['HEAD', 'OPTIONS']);
const SKIPPED_PATHS = new Set(['/health', '/ready']);

/**
 * The routes in Fastify's `printRoutes()` tree (its radix nodes: each line adds a segment to its
 * parent's path, `├── /follow (POST)` then `│   ├── ers (GET, HEAD)` for /followers).
 */
export function apiRoutes(printed: string): ApiRoute[] {
  const routes: ApiRoute[] = [];
  const stack: string[] = [];
  for (const line of printed.split('\n')) {
    const match = /^([│ ]*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/u.exec(line.trimEnd());
    if (!match) continue;
    const depth = [...(match[1] ?? '')].length / 4;
    stack.length = depth;
    stack.push(match[2] ?? '');
    const path = stack.join('');
    if (!match[3] || SKIPPED_PATHS.has(path) || path === '*') continue;
    for (const method of match[3].split(', ')) {
      if (!SKIPPED_METHODS.has(method)) routes.push({ method, path });
    }
  }
  return routes;
}

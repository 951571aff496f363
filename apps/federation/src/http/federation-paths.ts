import { INSTANCE_ACTOR_PATH } from '@fediflow/federation';
import { PUBLIC_ROUTES, type PathMatch } from '@fediflow/routes';

/** Older software discovers WebFinger through host-meta (RFC 6415), which Fedify does not serve. */
export const HOST_META_PATH = '/.well-known/host-meta';

/** A libs/routes match as a Fastify route path: a prefix is a wildcard (`/users/` → `/users/*`). */
export function fastifyPath(match: PathMatch): string {
  return match.kind === 'prefix' ? `${match.path}*` : match.path;
}

/**
 * The public paths federation owns, as Fastify routes: the federation routes of the one public
 * route table (libs/routes `PUBLIC_ROUTES`), so the service serves what the mesh sends it.
 */
export const FEDERATION_PATHS: readonly string[] = PUBLIC_ROUTES.filter(
  (route) => route.service === 'federation',
).map((route) => fastifyPath(route.match));

/**
 * Paths inside those routes that this service answers itself rather than handing to Fedify: the
 * instance actor (no member, so not Fedify's actor dispatcher) and host-meta.
 */
export const OWN_PATHS: readonly string[] = [INSTANCE_ACTOR_PATH, HOST_META_PATH];

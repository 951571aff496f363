import { INSTANCE_ACTOR_PATH } from '@fediflow/federation';
import { PUBLIC_ROUTES, routeFor } from '@fediflow/routes';
import { describe, expect, it } from 'vitest';
import { INBOX_ROUTES } from '../inbox/inbox-routes';
import { FEDERATION_PATHS, OWN_PATHS } from './federation-paths';

/** A concrete request path a Fastify route pattern serves (`/users/:username/inbox`, `/users/*`). */
const samplePath = (pattern: string) =>
  pattern.replace(/:[^/]+/g, 'alice').replace(/\*$/, 'sample');

describe('the federation service’s paths (libs/routes is the one public route table)', () => {
  it('serves every path the table sends to federation, and only those', () => {
    const owned = PUBLIC_ROUTES.filter((route) => route.service === 'federation');
    expect(FEDERATION_PATHS).toHaveLength(owned.length);
    for (const path of FEDERATION_PATHS) {
      expect(routeFor(samplePath(path)).service, path).toBe('federation');
    }
    expect(FEDERATION_PATHS).toContain('/users/*');
    expect(FEDERATION_PATHS).toContain('/.well-known/webfinger');
  });

  it('routes by hand only paths the table sends to federation (instance actor, host-meta, inboxes)', () => {
    expect(OWN_PATHS).toContain(INSTANCE_ACTOR_PATH);
    for (const path of [...OWN_PATHS, ...INBOX_ROUTES]) {
      expect(routeFor(samplePath(path)).service, path).toBe('federation');
    }
    // The instance actor is an exact route of the table, not merely inside a prefix.
    expect(FEDERATION_PATHS).toContain(INSTANCE_ACTOR_PATH);
  });
});

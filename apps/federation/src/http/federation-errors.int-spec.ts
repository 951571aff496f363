import { captureLogLines, waitFor } from '@fediflow/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { migratedDatabase, type MigratedDatabase } from '@fediflow/testing/fixtures';
import {
  startFederationService,
  type FederationInstance,
} from '../testing/federation-harness.testing';

/** An inbox POST whose claimed signer the domain blocklist is asked about first. */
const claimedDelivery = (base: string, requestId: string) =>
  fetch(`${base}/inbox`, {
    method: 'POST',
    headers: {
      'content-type': 'application/activity+json',
      signature: 'keyId="https://remote.test/actor#main-key",signature="c2lnbmVk"',
      'x-request-id': requestId,
    },
    body: '{}',
  });

describe('federation routes outside Nest answer through the service’s one error mapper', () => {
  let env: MigratedDatabase;
  let service: FederationInstance;
  const log = captureLogLines();

  beforeAll(async () => {
    env = await migratedDatabase('federation-errors');
    service = await startFederationService(
      env.infra,
      { LOG_LEVEL: 'info' },
      { logDestination: log.destination },
    );
  });
  afterAll(async () => {
    await service?.close();
    await env?.release();
  });

  it('answers an unknown error in a raw route with 500 and the request id, and logs its stack', async () => {
    vi.spyOn(service.runtime.domainBlocks, 'isBlocked').mockRejectedValueOnce(
      new Error('the blocklist broke'),
    );
    const response = await claimedDelivery(service.base, 'fed-req-500');
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      error: 'Internal server error',
      request_id: 'fed-req-500',
    });
    const logged = await waitFor('the error log line', async () =>
      log.lines.find((line) => line['req_id'] === 'fed-req-500' && line['level'] === 'error'),
    );
    expect((logged['err'] as { stack: string }).stack).toMatch(/the blocklist broke/);
  });

  it('answers a lost PostgreSQL in a raw route with 503 and Retry-After, not 500', async () => {
    const lost = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
    });
    vi.spyOn(service.runtime.domainBlocks, 'isBlocked').mockRejectedValueOnce(lost);
    const response = await claimedDelivery(service.base, 'fed-req-503');
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await response.json()).toEqual({
      error: 'The database is unavailable; retry shortly',
    });
  });
});

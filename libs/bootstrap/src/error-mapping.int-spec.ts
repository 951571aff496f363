import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import { getLogger } from '@logtape/logtape';
import { loadConfig } from '@fediflow/config';
import { DatabaseConnector } from '@fediflow/database';
import {
  captureLogLines,
  isolatedInfrastructure,
  waitFor,
  type IsolatedInfrastructure,
} from '@fediflow/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServiceApp, type ServiceApp } from './create-service-app';
import { DependencyUnavailableError } from './errors/dependency-unavailable';
import { InputRejectedError } from './errors/input-rejected.error';

class WiringBug extends Error {}

@Controller()
class FaultyController {
  @Get('bug')
  bug(): never {
    throw new WiringBug('a bug nobody mapped');
  }

  @Post('echo')
  echo(@Body() body: unknown): unknown {
    return { received: body };
  }
}

@Module({ controllers: [FaultyController] })
class FaultyModule {}

describe('the service error mapper and log routing (libs/bootstrap)', () => {
  let infra: IsolatedInfrastructure;
  let service: ServiceApp;
  let base: string;
  const { destination, lines } = captureLogLines();

  beforeAll(async () => {
    infra = await isolatedInfrastructure('error-mapping');
    const config = loadConfig('api', {
      PUBLIC_ORIGIN: 'http://localhost',
      LOG_LEVEL: 'info',
      ...infra.env,
    });
    service = await createServiceApp({
      config: { ...config, PORT: 0, METRICS_PORT: 0, MONITORING_ENABLED: false },
      imports: [FaultyModule],
      host: '127.0.0.1',
      logDestination: destination,
      // Routes outside Nest, as the inboxes are: the same mapper must answer their errors.
      configure: async (app) => {
        await app
          .getHttpAdapter()
          .getInstance()
          .register(async (scope) => {
            scope.get('/raw/bug', async () => {
              throw new WiringBug('a raw route bug');
            });
            scope.get('/raw/refused', async () => {
              throw new InputRejectedError(422, 'that input is refused');
            });
            scope.get('/raw/queue-down', async () => {
              throw new DependencyUnavailableError('inbound queue', { retryAfterSeconds: 30 });
            });
          });
      },
    });
    const { port } = await service.listen();
    base = `http://127.0.0.1:${port}`;
    const connector = service.app.get(DatabaseConnector);
    await waitFor('PostgreSQL connected', async () => connector.available || undefined);
  });
  afterAll(async () => {
    await service?.shutdown('test over');
    await infra?.release();
  });

  /** Asks for `path` as `requestId`: a 500 with that id, and the error logged under it. */
  async function unknownError(path: string, requestId: string) {
    const response = await fetch(`${base}${path}`, { headers: { 'x-request-id': requestId } });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      error: 'Internal server error',
      request_id: requestId,
    });
    const logged = await waitFor('the error log line', async () =>
      lines.find((line) => line['req_id'] === requestId && line['level'] === 'error'),
    );
    return logged['err'] as { message: string; stack: string };
  }

  it('answers an unknown error with 500 and the request id, and logs its stack under that id', async () => {
    const err = await unknownError('/bug', 'req-bug-1');
    expect(err.message).toBe('a bug nobody mapped');
    expect(err.stack).toMatch(/FaultyController\.bug/);
  });

  it('answers a raw Fastify route’s unknown error the same way: 500, request id, logged stack', async () => {
    const err = await unknownError('/raw/bug', 'req-raw-1');
    expect(err.message).toBe('a raw route bug');
    expect(err.stack).toMatch(/a raw route bug/);
  });

  it('answers a typed error from a raw route with its status and a Mastodon-style body', async () => {
    const refused = await fetch(`${base}/raw/refused`);
    expect(refused.status).toBe(422);
    expect(await refused.json()).toEqual({ error: 'that input is refused' });

    const down = await fetch(`${base}/raw/queue-down`);
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBe('30');
    expect(await down.json()).toEqual({ error: 'The inbound queue is unavailable; retry later' });
  });

  it('refuses a 10,000-deep JSON body with 400 and a log line, without a stack overflow', async () => {
    const response = await fetch(`${base}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-deep-1' },
      body: '['.repeat(10_000) + ']'.repeat(10_000),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'JSON body is nested deeper than 64 levels' });
    expect(lines.some((line) => line['req_id'] === 'req-deep-1' && line['level'] === 'warn')).toBe(
      true,
    );
    const shallow = await fetch(`${base}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ a: [[1]] }),
    });
    expect(await shallow.json()).toEqual({ received: { a: [[1]] } });
  });

  it('keeps Fastify’s JSON protections (prototype poisoning is a 400)', async () => {
    const response = await fetch(`${base}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"__proto__": {"admin": true}}',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBeTruthy();
  });

  it('writes what Fedify logs through LogTape into the pino log, with its level', async () => {
    getLogger(['fedify', 'sig', 'http']).warn('Failed to verify the signature of {url}.', {
      url: 'https://remote.example/inbox',
    });
    const logged = lines.find((line) => line['logger'] === 'fedify.sig.http');
    expect(logged).toMatchObject({
      level: 'warn',
      msg: 'Failed to verify the signature of https://remote.example/inbox.',
      url: 'https://remote.example/inbox',
      service: 'api',
    });
    getLogger(['fedify']).debug('below the level');
    expect(lines.some((line) => line['msg'] === 'below the level')).toBe(false);
  });
});

import { Controller, Get, Module, Query } from '@nestjs/common';
import { loadConfig, type ApiConfig } from '@fediflow/config';
import { createDataSource, DatabaseConnector, runMigrations } from '@fediflow/database';
import {
  isolatedInfrastructure,
  proxyInFront,
  waitFor,
  waitForStatus,
  type IsolatedInfrastructure,
} from '@fediflow/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServiceApp, type ServiceApp } from './create-service-app';

@Controller()
class SlowController {
  @Get('slow')
  async slow(@Query('ms') ms: string): Promise<{ waited: number }> {
    await sleep(Number(ms));
    return { waited: Number(ms) };
  }
}

@Module({ controllers: [SlowController] })
class SlowModule {}

describe('a service started by createServiceApp, against real PostgreSQL and Redis', () => {
  let infra: IsolatedInfrastructure;
  let service: ServiceApp | undefined;

  beforeAll(async () => {
    infra = await isolatedInfrastructure('bootstrap');
  });
  afterEach(async () => {
    await service?.shutdown('test over').catch(() => undefined);
    service = undefined;
  });
  afterAll(async () => {
    await infra.release();
  });

  function config(overrides: Record<string, string> = {}): ApiConfig {
    const loaded = loadConfig('api', {
      PUBLIC_ORIGIN: 'http://localhost',
      LOG_LEVEL: 'silent',
      ...infra.env,
      ...overrides,
    });
    return { ...loaded, PORT: 0, METRICS_PORT: 0 };
  }

  /** Starts the service; unless told not to, waits until PostgreSQL is connected (not 503). */
  async function start(overrides?: Record<string, string>, options = { connected: true }) {
    service = await createServiceApp({
      config: config(overrides),
      imports: [SlowModule],
      host: '127.0.0.1',
    });
    const { port, metricsPort } = await service.listen();
    const connector = service.app.get(DatabaseConnector);
    if (options.connected)
      await waitFor('PostgreSQL connected', async () => connector.available || undefined);
    return { base: `http://127.0.0.1:${port}`, metrics: `http://127.0.0.1:${metricsPort}` };
  }

  async function migrate(): Promise<void> {
    const dataSource = createDataSource({ url: infra.database.url, applicationName: 'test' });
    await dataSource.initialize();
    await runMigrations(dataSource);
    await dataSource.destroy();
  }

  it('is not ready until the schema is migrated, then ready without a restart', async () => {
    const { base } = await start();
    // Redis connects within moments; then only the schema holds readiness back.
    const before = await waitFor('readiness to report only pending migrations', async () => {
      const response = await fetch(`${base}/ready`);
      const body = (await response.json()) as { details: Record<string, { status: string }> };
      return response.status === 503 && body.details['redis']?.status === 'up' ? body : undefined;
    });
    expect(before).toMatchObject({
      status: 'error',
      error: {
        database: { status: 'down', message: expect.stringContaining('migrations pending') },
      },
    });
    await migrate();
    const after = await waitForStatus(`${base}/ready`, 200);
    expect(await after.json()).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up' }, redis: { status: 'up' } },
    });
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });

  it('serves metrics on the metrics port only, labelled by route template', async () => {
    const { base, metrics } = await start();
    expect((await fetch(`${base}/slow?ms=1`)).status).toBe(200);
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
    const body = await (await fetch(`${metrics}/metrics`)).text();
    expect(body).toMatch(
      /http_server_requests_seconds_count\{service="api",method="GET",route="\/slow",status="200"\} 1/,
    );
    expect(body).toMatch(/route="unmatched",status="404"/);
    expect(body).toContain('nodejs_eventloop_lag_seconds');
  });

  it('starts while PostgreSQL is unreachable and becomes ready when it appears', async () => {
    await migrate();
    // A paused proxy holds the port (nothing else can take it) while PostgreSQL looks unreachable.
    const { proxy, url } = await proxyInFront(infra.database.url, { paused: true });
    const { base } = await start({ DATABASE_URL: url }, { connected: false });

    expect((await fetch(`${base}/health`)).status).toBe(200);
    const down = await waitForStatus(`${base}/ready`, 503);
    expect(await down.json()).toMatchObject({ error: { database: { status: 'down' } } });

    proxy.resume();
    try {
      await waitForStatus(`${base}/ready`, 200, 20_000);
    } finally {
      await service?.shutdown('test over');
      service = undefined;
      await proxy.close();
    }
  });

  it('on shutdown fails readiness at once and finishes in-flight requests', async () => {
    await migrate();
    const { base } = await start({ SHUTDOWN_DELAY_MS: '600' });
    await waitForStatus(`${base}/ready`, 200);
    const inFlight = fetch(`${base}/slow?ms=1000`);
    await sleep(100);
    const stopping = service!.shutdown('SIGTERM');

    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ error: { shutdown: { status: 'down' } } });

    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ waited: 1000 });
    await expect(stopping).resolves.toBeUndefined();
    await expect(fetch(`${base}/health`)).rejects.toThrow();
    service = undefined;
  });

  it('gives up draining after the grace period', async () => {
    const { base } = await start({ SHUTDOWN_GRACE_MS: '300' });
    const inFlight = fetch(`${base}/slow?ms=3000`).catch(() => undefined);
    await sleep(100);
    await expect(service!.shutdown('SIGTERM')).rejects.toThrow(/SHUTDOWN_GRACE_MS \(300 ms\)/);
    service = undefined;
    await inFlight;
  });
});

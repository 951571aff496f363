import {
  freePort,
  isolatedInfrastructure,
  RedisServerProcess,
  runBundle,
  SERVICES,
  startService,
  startTcpProxy,
  waitForStatus,
  type IsolatedInfrastructure,
  type RunningService,
} from '@fediflow/testing';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rssMiB } from './built-services';

/**
 * The built services as real processes against real PostgreSQL and a Redis this suite owns (so it
 * can take Redis away and bring it back).
 */
describe('FediFlow services, built and running', () => {
  let infra: IsolatedInfrastructure;
  let redis: RedisServerProcess;
  let env: Record<string, string>;
  const running = new Map<string, RunningService>();

  beforeAll(async () => {
    infra = await isolatedInfrastructure('e2e');
    redis = await RedisServerProcess.start();
    env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      PUBLIC_ORIGIN: 'http://fediflow.test',
      DATABASE_URL: infra.database.url,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: infra.redis.prefix,
      SHUTDOWN_DELAY_MS: '500',
      SHUTDOWN_GRACE_MS: '10000',
    };
    const migration = await runBundle('api', 'migrate.js', env);
    expect(migration.status.code, migration.output.join('\n')).toBe(0);

    // Started one after another so start-to-ready times are not inflated by each other.
    for (const name of SERVICES) {
      running.set(
        name,
        await startService(name, env, { port: await freePort(), metricsPort: await freePort() }),
      );
    }
  });

  afterAll(async () => {
    await Promise.all([...running.values()].map((service) => service.process.stop('SIGKILL')));
    await redis?.stop();
    await infra?.release();
  });

  function service(name: string): RunningService {
    const found = running.get(name);
    if (!found) throw new Error(`${name} is not running`);
    return found;
  }

  it('migrations are idempotent from the built bundle', async () => {
    const again = await runBundle('api', 'migrate.js', env);
    expect(again.status.code).toBe(0);
    expect(again.output.join('\n')).toContain('schema already up to date');
  });

  it('refuses to start with a missing variable, naming it on one line', async () => {
    const { DATABASE_URL: _omitted, ...withoutDatabase } = env;
    const result = await runBundle('api', 'main.js', withoutDatabase);
    expect(result.status.code).toBe(1);
    expect(result.output).toEqual([
      'Invalid configuration for api: DATABASE_URL is required but not set',
    ]);
  });

  it('refuses to start with a media base URL clients could not use, saying why', async () => {
    const result = await runBundle('api', 'main.js', {
      ...env,
      MEDIA_PUBLIC_BASE_URL: 'http://d111111abcdef8.cloudfront.net/',
    });
    expect(result.status.code).toBe(1);
    expect(result.output).toEqual([
      'Invalid configuration for api: MEDIA_PUBLIC_BASE_URL must be a https URL; MEDIA_PUBLIC_BASE_URL must not end with "/" (keys are appended)',
    ]);
  });

  it.each(SERVICES)('%s is live, ready, and logs JSON lines', async (name) => {
    const { base, process: child } = service(name);
    expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up' }, redis: { status: 'up' } },
    });
    expect(child.output.length).toBeGreaterThan(0);
    expect(child.jsonLines()).toHaveLength(child.output.length);
    expect(child.jsonLines()).toContainEqual(
      expect.objectContaining({ level: 'info', service: name, msg: `${name} listening` }),
    );
  });

  it('adds each service its own readiness duty', async () => {
    const federation = await (await fetch(`${service('federation').base}/ready`)).json();
    expect(federation).toMatchObject({ info: { federation: { status: 'up', enabled: true } } });
    const workers = await (await fetch(`${service('workers').base}/ready`)).json();
    expect(workers).toMatchObject({ info: { queues: { status: 'up' } } });
  });

  it.each(SERVICES)('%s serves metrics on the metrics port only', async (name) => {
    const { base, metrics } = service(name);
    await fetch(`${base}/health`);
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
    const body = await (await fetch(metrics)).text();
    expect(body).toContain(`process_resident_memory_bytes{service="${name}"}`);
    expect(body).toMatch(
      new RegExp(
        `http_server_requests_seconds_count\\{service="${name}",method="GET",route="/health",status="200"\\} \\d+`,
      ),
    );
  });

  it('workers run the housekeeping jobs and export job metrics', async () => {
    const { metrics } = service('workers');
    const completed = (job: string) =>
      new RegExp(
        `queue_jobs_processed_total\\{queue="housekeeping",job="${job}",outcome="completed",service="workers"\\} 1\\b`,
      );
    const jobs = [
      'prune-job-runs',
      'prune-delivery-failures',
      'resend-follow-requests',
      'prune-unattached-media',
      'expire-mutes',
    ];
    let body = '';
    for (let i = 0; i < 100 && !jobs.every((job) => completed(job).test(body)); i++) {
      body = await (await fetch(metrics)).text();
      await sleep(100);
    }
    for (const job of jobs) expect(body).toMatch(completed(job));
    // Each schedule keeps its next run waiting as a delayed job.
    expect(body).toMatch(
      new RegExp(
        `queue_jobs\\{queue="housekeeping",state="delayed",service="workers"\\} ${jobs.length}\\b`,
      ),
    );
  });

  it('readiness follows Redis down and back up without restarts', async () => {
    await redis.stop();
    for (const name of SERVICES) {
      const down = await waitForStatus(`${service(name).base}/ready`, 503, 15_000);
      expect(await down.json()).toMatchObject({ error: { redis: { status: 'down' } } });
      expect((await fetch(`${service(name).base}/health`)).status).toBe(200);
    }
    await redis.start();
    for (const name of SERVICES) {
      await waitForStatus(`${service(name).base}/ready`, 200, 20_000);
      expect(service(name).process.running).toBe(true);
    }
  });

  it('api starts with PostgreSQL unreachable and becomes ready when it appears', async () => {
    const real = new URL(infra.database.url);
    // A paused proxy holds the port (nothing else can take it) while PostgreSQL looks unreachable.
    const proxy = await startTcpProxy(
      { host: real.hostname, port: Number(real.port || 5432) },
      { paused: true },
    );
    const unreachable = new URL(infra.database.url);
    unreachable.hostname = '127.0.0.1';
    unreachable.port = String(proxy.port);
    try {
      const api = await startService(
        'api',
        { ...env, DATABASE_URL: unreachable.toString() },
        { port: await freePort(), metricsPort: await freePort() },
        false,
      );
      try {
        expect((await fetch(`${api.base}/health`)).status).toBe(200);
        expect((await waitForStatus(`${api.base}/ready`, 503)).status).toBe(503);
        proxy.resume();
        await waitForStatus(`${api.base}/ready`, 200, 20_000);
        expect(await api.process.stop('SIGTERM')).toEqual({ code: 0, signal: null });
      } finally {
        await api.process.stop('SIGKILL');
      }
    } finally {
      await proxy.close();
    }
  });

  it('reports start-to-ready time and idle memory', async () => {
    for (const name of SERVICES) {
      const { startToReadyMs, process: child } = service(name);
      const rss = await rssMiB(child.pid);
      console.log(`[e2e] ${name}: start-to-ready ${startToReadyMs} ms, idle RSS ${rss} MiB`);
      expect(startToReadyMs).toBeGreaterThan(0);
      expect(rss).toBeGreaterThan(10);
    }
  });

  it.each(SERVICES)('%s drains on SIGTERM: readiness 503, then exit code 0', async (name) => {
    const { base, process: child } = service(name);
    const exited = child.stop('SIGTERM');
    const ready = await waitForStatus(`${base}/ready`, 503, 2_000);
    expect(await ready.json()).toMatchObject({ error: { shutdown: { status: 'down' } } });
    expect(await exited).toEqual({ code: 0, signal: null });
    expect(child.jsonLines()).toContainEqual(expect.objectContaining({ msg: 'shut down cleanly' }));
    running.delete(name);
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServiceApp, type ServiceApp } from '@fediflow/bootstrap';
import { loadConfig } from '@fediflow/config';
import { applyHomeFeedJob, HomeFanout, subscribeHomeFeedJobs } from '@fediflow/home-feeds';
import { SocialEvents } from '@fediflow/social';
import {
  proxyInFront,
  TEST_ORIGIN,
  waitForStatus,
  type IsolatedInfrastructure,
  type TcpProxy,
} from '@fediflow/testing';
import { migratedDatabase } from '@fediflow/testing/fixtures';
import type { DataSource } from 'typeorm';
import { ApiModule } from '../app/api.module';
import { configureApiHttp } from '../http/configure-http';
import { StreamingCheck } from '../streaming/streaming.check';

/** For suites that still import it from here (federation-outbox.int-spec.ts, being moved). */
export { TEST_ORIGIN } from '@fediflow/testing';

export interface ApiHarness {
  base: string;
  db: DataSource;
  infra: IsolatedInfrastructure;
  service: ServiceApp;
  /** With `databaseProxy`: the TCP proxy between the API and PostgreSQL, to fail it. */
  proxy?: TcpProxy;
  close(): Promise<void>;
}

/**
 * The member API in-process on a loopback port, against its own migrated database and Redis
 * prefix on the real test servers.
 */
export async function startApi(
  label: string,
  env: Record<string, string> = {},
  options: { databaseProxy?: boolean } = {},
): Promise<ApiHarness> {
  const database = await migratedDatabase(label);
  const { infra, db } = database;
  const proxied = options.databaseProxy ? await proxyInFront(infra.database.url) : undefined;
  const proxy = proxied?.proxy;
  // Uploads of each suite go to a directory of its own, removed with it.
  const mediaDir = await mkdtemp(join(tmpdir(), `fediflow-media-${label}-`));
  const config = loadConfig('api', {
    PUBLIC_ORIGIN: TEST_ORIGIN,
    MEDIA_LOCAL_DIR: mediaDir,
    LOG_LEVEL: 'silent',
    REGISTRATIONS_OPEN: 'true',
    RATE_LIMIT_ENABLED: 'false',
    ...infra.env,
    DATABASE_URL: proxied?.url ?? infra.database.url,
    ...env,
  });
  const service = await createServiceApp({
    config: { ...config, PORT: 0, METRICS_PORT: 0, MONITORING_ENABLED: false },
    imports: [ApiModule],
    configure: configureApiHttp,
    readinessChecks: [StreamingCheck],
    host: '127.0.0.1',
  });
  runHomeFanoutInline(service);
  const { port } = await service.listen();
  const base = `http://127.0.0.1:${port}`;
  await waitForStatus(`${base}/ready`, 200);
  return {
    base,
    db,
    infra,
    service,
    proxy,
    close: async () => {
      await service.shutdown('test over');
      await proxy?.close();
      await database.release();
      await rm(mediaDir, { recursive: true, force: true });
    },
  };
}

/**
 * No workers run beside the in-process api: its own social events are fanned out into the home
 * feeds at once instead (the jobs it also enqueues stay unconsumed under the suite's prefix), so a
 * home read after a write sees it, as it would once the workers had run the job.
 */
function runHomeFanoutInline(service: ServiceApp): void {
  const events = service.app.get(SocialEvents);
  const fanout = service.app.get(HomeFanout);
  subscribeHomeFeedJobs(events, async (name, data) => {
    await applyHomeFeedJob(fanout, name, data);
  });
}

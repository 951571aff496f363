import { createServiceApp, type ServiceApp } from '@fediflow/bootstrap';
import { loadConfig } from '@fediflow/config';
import { createDataSource, runMigrations } from '@fediflow/database';
import {
  isolatedInfrastructure,
  waitForStatus,
  type IsolatedInfrastructure,
} from '@fediflow/testing';
import type { DataSource } from 'typeorm';
import { ApiModule } from '../app/api.module';
import { configureApiHttp } from '../http/configure-http';

export const TEST_ORIGIN = 'https://fediflow.test';

export interface ApiHarness {
  base: string;
  db: DataSource;
  infra: IsolatedInfrastructure;
  service: ServiceApp;
  close(): Promise<void>;
}

/**
 * The member API in-process on a loopback port, against its own migrated database and Redis
 * prefix on the real test servers.
 */
export async function startApi(
  label: string,
  env: Record<string, string> = {},
): Promise<ApiHarness> {
  const infra = await isolatedInfrastructure(label);
  const db = createDataSource({ url: infra.database.url, applicationName: `${label}-test` });
  await db.initialize();
  await runMigrations(db);
  const config = loadConfig('api', {
    PUBLIC_ORIGIN: TEST_ORIGIN,
    LOG_LEVEL: 'silent',
    REGISTRATIONS_OPEN: 'true',
    RATE_LIMIT_ENABLED: 'false',
    ...infra.env,
    ...env,
  });
  const service = await createServiceApp({
    config: { ...config, PORT: 0, METRICS_PORT: 0, MONITORING_ENABLED: false },
    imports: [ApiModule],
    configure: configureApiHttp,
    host: '127.0.0.1',
  });
  const { port } = await service.listen();
  const base = `http://127.0.0.1:${port}`;
  await waitForStatus(`${base}/ready`, 200);
  return {
    base,
    db,
    infra,
    service,
    close: async () => {
      await service.shutdown('test over');
      await db.destroy();
      await infra.release();
    },
  };
}

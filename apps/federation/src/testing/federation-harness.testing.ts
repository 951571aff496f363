import { createServiceApp, type ServiceApp } from '@fediflow/bootstrap';
import { loadConfig } from '@fediflow/config';
import { createDataSource, runMigrations } from '@fediflow/database';
import { FederationRuntime } from '@fediflow/federation';
import { RemoteServer } from '@fediflow/federation/testing';
import {
  isolatedInfrastructure,
  waitForStatus,
  type IsolatedInfrastructure,
} from '@fediflow/testing';
import type { DataSource } from 'typeorm';
import { FEDERATION_READINESS_CHECKS, FederationModule } from '../app/federation.module';
import { configureFederationHttp } from '../http/federation-http';

export const TEST_ORIGIN = 'https://fediflow.test';

export interface FederationInstance {
  base: string;
  service: ServiceApp;
  runtime: FederationRuntime;
  close(): Promise<void>;
}

/** The federation service in-process on a loopback port, against the given infrastructure. */
export async function startFederationService(
  infra: IsolatedInfrastructure,
  env: Record<string, string> = {},
  options: { waitUntilReady?: boolean } = {},
): Promise<FederationInstance> {
  const config = loadConfig('federation', {
    PUBLIC_ORIGIN: TEST_ORIGIN,
    LOG_LEVEL: 'silent',
    ...infra.env,
    ...env,
  });
  const service = await createServiceApp({
    config: { ...config, PORT: 0, METRICS_PORT: 0, MONITORING_ENABLED: false },
    imports: [FederationModule],
    readinessChecks: FEDERATION_READINESS_CHECKS,
    configure: configureFederationHttp,
    host: '127.0.0.1',
  });
  const { port } = await service.listen();
  const base = `http://127.0.0.1:${port}`;
  if (options.waitUntilReady ?? true) await waitForStatus(`${base}/ready`, 200);
  return {
    base,
    service,
    runtime: service.app.get(FederationRuntime),
    close: () => service.shutdown('test over'),
  };
}

export interface FederationTestDatabase {
  infra: IsolatedInfrastructure;
  db: DataSource;
  release(): Promise<void>;
}

/** A fresh, migrated database and Redis prefix. */
export async function federationTestDatabase(label: string): Promise<FederationTestDatabase> {
  const infra = await isolatedInfrastructure(label);
  const db = createDataSource({ url: infra.database.url, applicationName: `${label}-test` });
  await db.initialize();
  await runMigrations(db);
  return {
    infra,
    db,
    release: async () => {
      await db.destroy();
      await infra.release();
    },
  };
}

/** What an inbox test delivers into: alice on a fresh database, the service, and bob's server. */
export interface InboxScene {
  env: FederationTestDatabase;
  service: FederationInstance;
  /** The remote server bob lives on, whose keys sign the deliveries. */
  remote: RemoteServer;
  close(): Promise<void>;
}

/** Starts an {@link InboxScene}; `serviceEnv` overrides the service's settings (REDIS_URL, ...). */
export async function startInboxScene(
  label: string,
  serviceEnv: Record<string, string> = {},
): Promise<InboxScene> {
  const env = await federationTestDatabase(label);
  let service: FederationInstance | undefined;
  try {
    await createMember(env.db, 'alice');
    service = await startFederationService(env.infra, serviceEnv);
    const remote = await RemoteServer.start();
    const started = service;
    return {
      env,
      service,
      remote,
      close: async () => {
        await remote.close();
        await started.close();
        await env.release();
      },
    };
  } catch (error) {
    await service?.close();
    await env.release();
    throw error;
  }
}

/** A local member as the API would have created it (account + login). */
export async function createMember(
  db: DataSource,
  username: string,
  extra: { locked?: boolean; note?: string; displayName?: string } = {},
): Promise<string> {
  const [account] = (await db.query(
    `INSERT INTO accounts (username, display_name, note, locked) VALUES ($1, $2, $3, $4)
     RETURNING id::text AS id`,
    [username, extra.displayName ?? username, extra.note ?? '', extra.locked ?? false],
  )) as { id: string }[];
  await db.query(
    `INSERT INTO users (account_id, email, password_hash, unsubscribe_token)
     VALUES ($1, $2, 'x', $3)`,
    [account!.id, `${username}@example.test`, `token-${username}`],
  );
  return account!.id;
}

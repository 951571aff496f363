import { createServiceApp, type ServiceApp } from '@fediflow/bootstrap';
import { loadConfig } from '@fediflow/config';
import { FederationRuntime } from '@fediflow/federation';
import { RemoteServer } from '@fediflow/federation/testing';
import { TEST_ORIGIN, waitForStatus, type IsolatedInfrastructure } from '@fediflow/testing';
import { localMember, migratedDatabase, type MigratedDatabase } from '@fediflow/testing/fixtures';
import type { DestinationStream } from 'pino';
import { FEDERATION_READINESS_CHECKS, FederationModule } from '../app/federation.module';
import { configureFederationHttp } from '../http/federation-http';

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
  options: { waitUntilReady?: boolean; logDestination?: DestinationStream } = {},
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
    logDestination: options.logDestination,
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

/** What an inbox test delivers into: alice on a fresh database, the service, and bob's server. */
export interface InboxScene {
  env: MigratedDatabase;
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
  const env = await migratedDatabase(label);
  let service: FederationInstance | undefined;
  try {
    await localMember(env.db, { username: 'alice' });
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

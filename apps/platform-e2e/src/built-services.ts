import {
  freePort,
  isolatedInfrastructure,
  runBundle,
  startService,
  type IsolatedInfrastructure,
  type RunningService,
} from '@fediflow/testing';
import { expect } from 'vitest';

/** The built api on its own isolated database and Redis, migrated; `stop` ends both. */
export interface ApiOnIsolatedInfrastructure {
  readonly infra: IsolatedInfrastructure;
  readonly api: RunningService;
  stop(): Promise<void>;
}

/**
 * Claims isolated infrastructure named `label`, runs the api's migrations on it and starts the
 * built api with open registrations plus `settings` (PUBLIC_ORIGIN, ...), on `port` if given.
 */
export async function startMigratedApi(
  label: string,
  settings: Record<string, string>,
  port?: number,
): Promise<ApiOnIsolatedInfrastructure> {
  const infra = await isolatedInfrastructure(label);
  try {
    const env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      REGISTRATIONS_OPEN: 'true',
      ...settings,
      ...infra.env,
    };
    const migration = await runBundle('api', 'migrate.js', env);
    expect(migration.status.code).toBe(0);
    const api = await startService('api', env, {
      port: port ?? (await freePort()),
      metricsPort: await freePort(),
    });
    return {
      infra,
      api,
      async stop() {
        await api.process.stop('SIGTERM');
        await infra.release();
      },
    };
  } catch (error) {
    await infra.release();
    throw error;
  }
}

/** Resident set size of a process in MiB, read from /proc (Linux). */
export async function rssMiB(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kib = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return kib ? Math.round(Number(kib) / 1024) : undefined;
}

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  freePort,
  isolatedInfrastructure,
  ManagedProcess,
  waitForStatus,
  type IsolatedInfrastructure,
} from '@fediflow/testing';
import { expect } from 'vitest';

export const SERVICES = ['api', 'federation', 'workers'] as const;
export type Service = (typeof SERVICES)[number];

const workspaceRoot = join(import.meta.dirname, '../../..');

/** Path of a built bundle; fails with the command to run when the build is missing. */
export function bundle(service: Service, entry = 'main.js'): string {
  const path = join(workspaceRoot, 'dist/apps', service, entry);
  if (!existsSync(path)) {
    throw new Error(
      `${path} is missing: build first (npx nx run-many -t build -p api,federation,workers)`,
    );
  }
  return path;
}

export interface RunningService {
  readonly name: Service;
  readonly process: ManagedProcess;
  readonly base: string;
  readonly metrics: string;
  /** Milliseconds from spawn to the first 200 from /ready. */
  readonly startToReadyMs: number;
}

/** Runs `node dist/apps/<service>/<entry>` with exactly `env` (plus PATH) and waits for its exit. */
export async function runBundle(service: Service, entry: string, env: Record<string, string>) {
  const child = new ManagedProcess(
    `${service}/${entry}`,
    process.execPath,
    [bundle(service, entry)],
    {
      PATH: process.env['PATH'],
      ...env,
    },
  );
  return { status: await child.exited, output: child.output };
}

/** Starts a built service as a real process and waits until it reports ready. */
export async function startService(
  name: Service,
  env: Record<string, string>,
  ports: { port: number; metricsPort: number },
  expectReady = true,
): Promise<RunningService> {
  const started = Date.now();
  const child = new ManagedProcess(name, process.execPath, [bundle(name)], {
    PATH: process.env['PATH'],
    ...env,
    PORT: String(ports.port),
    METRICS_PORT: String(ports.metricsPort),
  });
  const base = `http://127.0.0.1:${ports.port}`;
  try {
    await waitForStatus(`${base}/${expectReady ? 'ready' : 'health'}`, 200, 30_000);
  } catch (error) {
    await child.stop('SIGKILL');
    throw new Error(`${name} did not come up: ${String(error)}\n${child.describe()}`, {
      cause: error,
    });
  }
  return {
    name,
    process: child,
    base,
    metrics: `http://127.0.0.1:${ports.metricsPort}/metrics`,
    startToReadyMs: Date.now() - started,
  };
}

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

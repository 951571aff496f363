/**
 * FediFlow's built services (dist/apps/<service>) as real processes, the way a container runs
 * them: for the platform e2e suites and the DR drills.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ManagedProcess } from './child-process';
import { waitForStatus } from './wait-for';

export const SERVICES = ['api', 'federation', 'workers'] as const;
export type Service = (typeof SERVICES)[number];

const workspaceRoot = join(import.meta.dirname, '../../..');

/** Whether every service's bundle is in dist/. */
export function servicesBuilt(): boolean {
  return SERVICES.every((service) => existsSync(bundlePath(service)));
}

const bundlePath = (service: Service, entry = 'main.js') =>
  join(workspaceRoot, 'dist/apps', service, entry);

/** Path of a built bundle; fails with the command to run when the build is missing. */
export function bundle(service: Service, entry = 'main.js'): string {
  const path = bundlePath(service, entry);
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
  /** Milliseconds from spawn to the first 200 from /ready (or /health). */
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

/**
 * Starts a built service as a real process with exactly `env` (plus PATH and its ports) and
 * waits until /ready answers 200 (only /health with `expectReady` false: a service that cannot
 * be ready yet), for `timeoutMs`; on failure it is killed and its output is in the error.
 */
export async function startService(
  name: Service,
  env: Record<string, string>,
  ports: { port: number; metricsPort: number },
  expectReady = true,
  timeoutMs = 30_000,
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
    await waitForStatus(`${base}/${expectReady ? 'ready' : 'health'}`, 200, timeoutMs);
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

/**
 * FediFlow's built services (dist/apps/*) as the drills run them: migrated once, then api,
 * federation and workers as processes against the drill's database endpoint and Redis. Builds
 * them with Nx first when a bundle is missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, ManagedProcess, waitForStatus } from '@fediflow/testing';

export const SERVICE_NAMES = ['api', 'federation', 'workers'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface Service {
  name: ServiceName;
  process: ManagedProcess;
  base: string;
}

export interface Services {
  api: Service;
  federation: Service;
  workers: Service;
  /** PUBLIC_ORIGIN: the federation service's address. */
  origin: string;
  stop(): Promise<void>;
}

const workspaceRoot = join(import.meta.dirname, '../..');
const bundle = (name: ServiceName, entry = 'main.js') =>
  join(workspaceRoot, 'dist/apps', name, entry);

/** Builds the three services with Nx unless every bundle is already in dist/. */
export function ensureBuilt(progress: (message: string) => void): void {
  if (SERVICE_NAMES.every((name) => existsSync(bundle(name)))) return;
  progress('building api, federation, workers (nx run-many -t build)');
  const result = spawnSync(
    'npx',
    ['nx', 'run-many', '-t', 'build', '-p', SERVICE_NAMES.join(',')],
    {
      cwd: workspaceRoot,
      stdio: 'inherit',
      env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false' },
    },
  );
  if (result.status !== 0) throw new Error('nx build of the services failed');
}

/** `migrate.js` exactly as the Kubernetes migrate Job runs it. */
export async function migrate(databaseUrl: string): Promise<void> {
  const child = new ManagedProcess('migrate', process.execPath, [bundle('api', 'migrate.js')], {
    PATH: process.env['PATH'],
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
  });
  const { code } = await child.exited;
  if (code !== 0) throw new Error(`migrate failed\n${child.describe()}`);
}

export async function startServices(env: {
  databaseUrl: string;
  redisUrl: string;
}): Promise<Services> {
  const federationPort = await freePort();
  const origin = `http://127.0.0.1:${federationPort}`;
  const common = {
    PATH: process.env['PATH'],
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    PUBLIC_ORIGIN: origin,
    DATABASE_URL: env.databaseUrl,
    REDIS_URL: env.redisUrl,
    REGISTRATIONS_OPEN: 'true',
    RATE_LIMIT_ENABLED: 'false',
    FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true',
  };
  const start = async (name: ServiceName, port?: number): Promise<Service> => {
    const listen = port ?? (await freePort());
    const child = new ManagedProcess(name, process.execPath, [bundle(name)], {
      ...common,
      PORT: String(listen),
      METRICS_PORT: String(await freePort()),
    });
    const base = `http://127.0.0.1:${listen}`;
    try {
      await waitForStatus(`${base}/ready`, 200, 120_000);
    } catch (error) {
      await child.stop('SIGKILL');
      throw new Error(`${name} did not become ready: ${String(error)}\n${child.describe()}`, {
        cause: error,
      });
    }
    return { name, process: child, base };
  };
  const [api, federation, workers] = await Promise.all([
    start('api'),
    start('federation', federationPort),
    start('workers'),
  ]);
  return {
    api,
    federation,
    workers,
    origin,
    stop: async () => {
      await Promise.all([api, federation, workers].map((s) => s.process.stop('SIGTERM', 15_000)));
    },
  };
}

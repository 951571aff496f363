/**
 * FediFlow's built services (dist/apps/*) as the drills run them: migrated once, then api,
 * federation and workers as processes against the drill's database endpoint and Redis. Builds
 * them with Nx first when a bundle is missing.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  freePort,
  runBundle,
  SERVICES,
  servicesBuilt,
  startService,
  type RunningService,
} from '@fediflow/testing';

export interface Services {
  api: RunningService;
  federation: RunningService;
  workers: RunningService;
  /** PUBLIC_ORIGIN: the federation service's address. */
  origin: string;
  stop(): Promise<void>;
}

/** A busy machine starting three services and a migrated schema at once is slow to be ready. */
const READY_TIMEOUT_MS = 120_000;

/** Builds the three services with Nx unless every bundle is already in dist/. */
export function ensureBuilt(progress: (message: string) => void): void {
  if (servicesBuilt()) return;
  progress('building api, federation, workers (nx run-many -t build)');
  const result = spawnSync('npx', ['nx', 'run-many', '-t', 'build', '-p', SERVICES.join(',')], {
    cwd: join(import.meta.dirname, '../..'),
    stdio: 'inherit',
    env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false' },
  });
  if (result.status !== 0) throw new Error('nx build of the services failed');
}

/** `migrate.js` exactly as the Kubernetes migrate Job runs it. */
export async function migrate(databaseUrl: string): Promise<void> {
  const { status, output } = await runBundle('api', 'migrate.js', {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
  });
  if (status.code !== 0) throw new Error(`migrate failed\n${output.slice(-60).join('\n')}`);
}

export async function startServices(env: {
  databaseUrl: string;
  redisUrl: string;
}): Promise<Services> {
  const federationPort = await freePort();
  const origin = `http://127.0.0.1:${federationPort}`;
  const common = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    PUBLIC_ORIGIN: origin,
    DATABASE_URL: env.databaseUrl,
    REDIS_URL: env.redisUrl,
    REGISTRATIONS_OPEN: 'true',
    RATE_LIMIT_ENABLED: 'false',
    FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true',
  };
  const start = async (name: (typeof SERVICES)[number], port?: number) =>
    startService(
      name,
      common,
      { port: port ?? (await freePort()), metricsPort: await freePort() },
      true,
      READY_TIMEOUT_MS,
    );
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

/**
 * What the federation benchmarks share with tools/bench.ts: where things are, the built services
 * started the way the runtime image starts them, and the output helpers.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { LoadOptions } from './load.ts';
import { freePort, ServerProcess, waitForStatus } from './processes.ts';

export interface BenchContext {
  root: string;
  workDir: string;
  databaseUrl: string;
  redisUrl: string;
  /** Every Redis key of the run starts with it (the clean-up deletes `<prefix>*`). */
  redisPrefix: string;
  /** Pin servers to CPU 0 (this process, the load generator, is on CPU 1). */
  pin: boolean;
  load: LoadOptions;
  rounds: number;
  /** Servers started here are pushed to it, so the clean-up stops them whatever happens. */
  servers: ServerProcess[];
  step(message: string): void;
  info(message: string): void;
}

export const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** The machine's 1, 5 and 15 minute load averages, printed with figures taken on a shared host. */
export const loadAverage = () =>
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`;

/** NODE_OPTIONS exactly as the runtime image sets them, so the bench measures what ships. */
export function runtimeNodeOptions(root: string): string {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const match = /NODE_OPTIONS="([^"]+)"/.exec(dockerfile);
  if (!match?.[1]) throw new Error('Dockerfile sets no NODE_OPTIONS="…" for the runtime stage');
  return match[1];
}

export interface RunningService {
  server: ServerProcess;
  base: string;
}

/**
 * `node dist/apps/<name>/main.js` as the image runs it (NODE_ENV=production, the Dockerfile's
 * NODE_OPTIONS, LOG_LEVEL info unless set), output to a log file, pinned to CPU 0 when pinning;
 * resolves once `/ready` answers 200.
 */
export async function startBuiltService(
  ctx: BenchContext,
  name: 'api' | 'federation' | 'workers',
  env: Record<string, string>,
  options: { port?: number; label?: string; nodeArgs?: string[] } = {},
): Promise<RunningService> {
  const port = options.port ?? (await freePort());
  const base = `http://127.0.0.1:${port}`;
  const label = options.label ?? name;
  const server = new ServerProcess(
    label,
    [...(options.nodeArgs ?? []), join(ctx.root, 'dist/apps', name, 'main.js')],
    {
      ...process.env,
      NODE_ENV: 'production',
      NODE_OPTIONS: runtimeNodeOptions(ctx.root),
      DATABASE_URL: ctx.databaseUrl,
      REDIS_URL: ctx.redisUrl,
      PORT: String(port),
      METRICS_PORT: String(await freePort()),
      LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'info',
      ...env,
    },
    join(ctx.workDir, `${label}-${ctx.servers.length}.log`),
    ctx.pin ? 0 : undefined,
  );
  ctx.servers.push(server);
  await waitForStatus(`${base}/ready`, server);
  return { server, base };
}

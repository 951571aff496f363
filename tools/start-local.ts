/**
 * `npm start`: builds what changed, finds or starts PostgreSQL and Redis, migrates, and runs api,
 * federation and workers plus the one-origin dev gateway. Ctrl-C stops everything gracefully.
 */
import { type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { close, createGateway, listen } from './gateway/proxy.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './local/embedded-postgres.ts';
import { answers, freeLocalPort, LOCAL_REDIS_URL, portIsFree } from './local/local-servers.ts';
import { redisServerInstalled, startLocalRedis, type LocalRedis } from './local/local-redis.ts';
import { runLocalService } from './local/run-local-service.ts';

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/fediflow';

const USAGE = `Usage: npm start [-- options]

Builds (Nx cache: only what changed), migrates and starts FediFlow locally:
  origin      http://localhost:8080   the dev gateway: one origin, routed by path like production
  api         http://localhost:3000   metrics http://localhost:9464/metrics
  federation  http://localhost:3001   metrics http://localhost:9465/metrics
  workers     http://localhost:3002   metrics http://localhost:9466/metrics

PostgreSQL: DATABASE_URL when set; else the server at 127.0.0.1:5432 (database "fediflow",
created if missing); else an embedded PostgreSQL (PGlite) with its data in .fediflow/pgdata.
Redis: REDIS_URL when set; else ${LOCAL_REDIS_URL}; else a redis-server started for this run.

Options:
  --embedded-postgres   always use the embedded PostgreSQL (also FEDIFLOW_EMBEDDED_POSTGRES=1)
  --port-offset <n>     add n to every port above (also FEDIFLOW_PORT_OFFSET)
  --no-build            use the bundles already in dist/
  -h, --help            show this help
Environment: DATABASE_URL, REDIS_URL, LOG_LEVEL (info), FEDIFLOW_DATA_DIR (.fediflow).`;

const { values } = parseArgs({
  options: {
    'no-build': { type: 'boolean' },
    'embedded-postgres': { type: 'boolean' },
    'port-offset': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const root = join(import.meta.dirname, '..');
const env = process.env;
const dataDir = env['FEDIFLOW_DATA_DIR'] ?? join(root, '.fediflow');
const offset = Number(values['port-offset'] ?? env['FEDIFLOW_PORT_OFFSET'] ?? 0);
if (!Number.isInteger(offset) || offset < 0 || offset > 50_000) {
  console.error('✖ --port-offset must be a whole number between 0 and 50000');
  process.exit(2);
}
const forceEmbedded =
  values['embedded-postgres'] === true ||
  ['1', 'true'].includes(env['FEDIFLOW_EMBEDDED_POSTGRES'] ?? '');
const gatewayPort = 8080 + offset;
const SERVICES = [
  { name: 'api', port: 3000 + offset, metricsPort: 9464 + offset },
  { name: 'federation', port: 3001 + offset, metricsPort: 9465 + offset },
  { name: 'workers', port: 3002 + offset, metricsPort: 9466 + offset },
] as const;

/** A path as short as it gets: relative when inside the current directory. */
const display = (path: string) => {
  const inside = relative(process.cwd(), path);
  return inside && !inside.startsWith('..') ? inside : path;
};
const host = (url: string) => new URL(url).host;

function step(message: string): void {
  console.log(`\n▶ ${message}`);
}

// ---- what this run started, stopped in reverse order --------------------------------------
const children: { name: string; child: ChildProcess }[] = [];
const gateway: Server = createGateway({
  upstreams: {
    api: `http://127.0.0.1:${SERVICES[0].port}`,
    federation: `http://127.0.0.1:${SERVICES[1].port}`,
  },
});
let embedded: EmbeddedPostgres | undefined;
let localRedis: LocalRedis | undefined;
let stopping = false;

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

async function shutdown(code: number, message?: string): Promise<never> {
  if (message) console.error(`\n✖ ${message}`);
  if (!stopping) {
    stopping = true;
    if (children.length > 0 || gateway.listening || embedded || localRedis) {
      step('Stopping (SIGTERM, waiting for in-flight work)');
    }
    await Promise.all(children.map(({ child }) => stopChild(child)));
    if (gateway.listening) await close(gateway);
    await localRedis?.stop();
    await embedded?.stop();
    if (code === 0) console.log('Stopped.');
  }
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
// Last resort if this process dies abruptly: never leave services running in the background.
process.on('exit', () => {
  for (const { child } of children) if (child.exitCode === null) child.kill('SIGKILL');
});

// ---- PostgreSQL and Redis -----------------------------------------------------------------
/** Creates the database named in `url` when the server has no such database yet. */
async function ensureDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  const server = new URL(url);
  server.pathname = '/postgres';
  const client = new pg.Client({ connectionString: server.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) {
      await client.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
      console.log(`  created database ${name}`);
    }
  } finally {
    await client.end();
  }
}

type DatabasePlan = { kind: 'server'; url: string } | { kind: 'embedded'; reason: string };

async function planDatabase(): Promise<DatabasePlan> {
  if (forceEmbedded) return { kind: 'embedded', reason: 'requested' };
  const configured = env['DATABASE_URL'];
  if (configured) {
    if (await answers(configured)) return { kind: 'server', url: configured };
    return shutdown(1, `DATABASE_URL is set but no PostgreSQL answers at ${host(configured)}.`);
  }
  if (await answers(DEFAULT_DATABASE_URL)) return { kind: 'server', url: DEFAULT_DATABASE_URL };
  return { kind: 'embedded', reason: `no PostgreSQL at ${host(DEFAULT_DATABASE_URL)}` };
}

type RedisPlan = { kind: 'server'; url: string } | { kind: 'local-redis-server' };

async function planRedis(): Promise<RedisPlan> {
  const configured = env['REDIS_URL'];
  if (configured) {
    if (await answers(configured)) return { kind: 'server', url: configured };
    return shutdown(1, `REDIS_URL is set but no Redis answers at ${host(configured)}.`);
  }
  if (await answers(LOCAL_REDIS_URL)) return { kind: 'server', url: LOCAL_REDIS_URL };
  if (redisServerInstalled()) return { kind: 'local-redis-server' };
  return shutdown(
    1,
    `No Redis at ${host(LOCAL_REDIS_URL)} and redis-server is not installed: install it ` +
      '(apt-get install redis-server, brew install redis), run one (docker run -p 6379:6379 redis:7-alpine) or set REDIS_URL.',
  );
}

function describePlan(database: DatabasePlan, redis: RedisPlan): string {
  const db =
    database.kind === 'server'
      ? `PostgreSQL ${host(database.url)}`
      : `embedded PostgreSQL (${database.reason})`;
  const cache =
    redis.kind === 'server' ? `Redis ${host(redis.url)}` : 'a redis-server for this run';
  return `  ${db}; ${cache}`;
}

async function waitUntilReady(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
    const status = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`not ready after ${timeoutMs / 1000} s (see its log above)`);
}

/** Runs a built entry point to completion (async: an embedded PostgreSQL lives in this process). */
async function runToCompletion(name: string, entry: string, childEnv: NodeJS.ProcessEnv) {
  const child = runLocalService(name, entry, childEnv);
  children.push({ name, child });
  const [code] = (await once(child, 'exit')) as [number | null];
  children.splice(
    children.findIndex((entry) => entry.child === child),
    1,
  );
  return code;
}

// ---- the run ------------------------------------------------------------------------------
step('Checking PostgreSQL and Redis');
const databasePlan = await planDatabase();
const redisPlan = await planRedis();
console.log(describePlan(databasePlan, redisPlan));
for (const port of [gatewayPort, ...SERVICES.flatMap((s) => [s.port, s.metricsPort])]) {
  if (!(await portIsFree(port))) {
    await shutdown(
      1,
      `Port ${port} is in use (another npm start?). Stop it or pass --port-offset 100.`,
    );
  }
}

if (!values['no-build']) {
  step('Building api, federation and workers (cached when unchanged)');
  const build = runLocalService(
    'build',
    // The package's own bin link: its target moved between Nx versions.
    join(root, 'node_modules/.bin/nx'),
    { ...env, NX_DAEMON: 'false', NX_TUI: 'false', FORCE_COLOR: '0' },
    ['run-many', '-t', 'build', '-p', 'api,federation,workers', '--outputStyle=static'],
  );
  children.push({ name: 'build', child: build });
  const [code] = (await once(build, 'exit')) as [number | null];
  children.length = 0;
  if (code !== 0) await shutdown(1, 'The build failed (see above).');
}
for (const { name } of SERVICES) {
  if (!existsSync(join(root, 'dist/apps', name, 'main.js'))) {
    await shutdown(1, `dist/apps/${name}/main.js is missing: run without --no-build.`);
  }
}

let databaseUrl: string;
if (databasePlan.kind === 'embedded') {
  const pgdata = join(dataDir, 'pgdata');
  step(`Starting the embedded PostgreSQL (PGlite; data in ${display(pgdata)})`);
  const port = (await portIsFree(5432 + offset)) ? 5432 + offset : await freeLocalPort();
  const started = Date.now();
  embedded = await startEmbeddedPostgres({ dataDir: pgdata, port }).catch((error: unknown) =>
    shutdown(1, `The embedded PostgreSQL did not start: ${String(error)}`),
  );
  databaseUrl = embedded.url;
  console.log(`  ${databaseUrl} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
} else {
  databaseUrl = databasePlan.url;
  await ensureDatabase(databaseUrl).catch((error: unknown) =>
    shutdown(1, `Cannot prepare the database at ${host(databaseUrl)}: ${String(error)}`),
  );
}

let redisUrl: string;
if (redisPlan.kind === 'local-redis-server') {
  step('Starting redis-server');
  const port = (await portIsFree(6379 + offset)) ? 6379 + offset : await freeLocalPort();
  localRedis = await startLocalRedis({ port, dataDir: join(dataDir, 'redis') }).catch(
    (error: unknown) => shutdown(1, String(error)),
  );
  redisUrl = localRedis.url;
  console.log(`  ${redisUrl}`);
} else {
  redisUrl = redisPlan.url;
}

const origin = `http://localhost:${gatewayPort}`;
const serviceEnv: NodeJS.ProcessEnv = {
  ...env,
  NODE_ENV: env['NODE_ENV'] ?? 'development',
  LOG_LEVEL: env['LOG_LEVEL'] ?? 'info',
  PUBLIC_ORIGIN: env['PUBLIC_ORIGIN'] ?? origin,
  DATABASE_URL: databaseUrl,
  REDIS_URL: redisUrl,
  // The embedded server takes 8 connections in all: 2 per service leaves room for psql. It runs
  // one transaction at a time, so queries (and pooled connections) may wait longer than the 1 s
  // a real server needs.
  ...(embedded
    ? {
        DATABASE_POOL_SIZE: '2',
        DATABASE_QUERY_TIMEOUT_MS: '10000',
        DATABASE_CONNECT_TIMEOUT_MS: '10000',
      }
    : {}),
  // Ctrl-C should not wait for long-polling clients locally.
  SHUTDOWN_GRACE_MS: env['SHUTDOWN_GRACE_MS'] ?? '5000',
};

step('Migrating the database');
const migrateCode = await runToCompletion(
  'migrate',
  join(root, 'dist/apps/api/migrate.js'),
  serviceEnv,
);
if (migrateCode !== 0) await shutdown(1, 'Migration failed (see above).');
// Seed hook: demo data is opt-in here (docker-compose's migrate service runs seed.js when built).
if (existsSync(join(root, 'dist/apps/api/seed.js'))) {
  console.log('  demo data: npm run db:seed (with the same DATABASE_URL)');
}

step('Starting the services and the gateway');
for (const { name, port, metricsPort } of SERVICES) {
  const child = runLocalService(name, join(root, 'dist/apps', name, 'main.js'), {
    ...serviceEnv,
    PORT: String(port),
    METRICS_PORT: String(metricsPort),
  });
  children.push({ name, child });
  child.on('exit', (exitCode) => {
    if (!stopping)
      void shutdown(1, `${name} exited unexpectedly (code ${exitCode}); stopping the others.`);
  });
}
await listen(gateway, gatewayPort).catch((error: unknown) =>
  shutdown(1, `The gateway cannot listen on ${gatewayPort}: ${String(error)}`),
);

try {
  await Promise.all(
    SERVICES.map(({ name, port }) => {
      const service = children.find((entry) => entry.name === name);
      return service && waitUntilReady(`http://127.0.0.1:${port}/ready`, service.child);
    }),
  );
} catch (error) {
  await shutdown(1, `A service did not become ready: ${String(error)}`);
}

const pad = (text: string) => text.padEnd(11);
console.log('\nFediFlow is running. Ctrl-C stops it.');
console.log(`  ${pad('origin')} ${origin}  (api and federation by path, as in production)`);
for (const { name, port, metricsPort } of SERVICES) {
  console.log(
    `  ${pad(name)} http://localhost:${port}  metrics http://localhost:${metricsPort}/metrics`,
  );
}
console.log(
  `  ${pad('PostgreSQL')} ${databaseUrl}${embedded ? `  (embedded, data in ${display(join(dataDir, 'pgdata'))})` : ''}`,
);
console.log(`  ${pad('Redis')} ${redisUrl}${localRedis ? '  (started for this run)' : ''}`);

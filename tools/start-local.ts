/**
 * `npm start`: builds what changed, migrates, and runs api, federation and workers locally
 * against PostgreSQL and Redis (DATABASE_URL / REDIS_URL, else the default local addresses).
 * Ctrl-C stops everything gracefully.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { answers, LOCAL_REDIS_URL } from './local/local-servers.ts';
import { runLocalService } from './local/run-local-service.ts';

const USAGE = `Usage: npm start [-- --no-build]

Builds (Nx cache: only what changed), migrates and starts FediFlow's three services:
  api         http://localhost:3000   metrics http://localhost:9464/metrics
  federation  http://localhost:3001   metrics http://localhost:9465/metrics
  workers     http://localhost:3002   metrics http://localhost:9466/metrics

Environment (all optional):
  DATABASE_URL   PostgreSQL; default postgres://postgres@127.0.0.1:5432/fediflow (created if missing)
  REDIS_URL      Redis; default ${LOCAL_REDIS_URL}
  LOG_LEVEL      default info
Options:
  --no-build     use the bundles already in dist/
  -h, --help     show this help`;

const { values } = parseArgs({
  options: { 'no-build': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const root = join(import.meta.dirname, '..');
const SERVICES = [
  { name: 'api', port: 3000, metricsPort: 9464 },
  { name: 'federation', port: 3001, metricsPort: 9465 },
  { name: 'workers', port: 3002, metricsPort: 9466 },
] as const;

function step(message: string): void {
  console.log(`\n▶ ${message}`);
}

function fail(message: string): never {
  console.error(`\n✖ ${message}`);
  process.exit(1);
}

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

async function waitUntilReady(url: string, child: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
    const status = await fetch(url).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`not ready after ${timeoutMs / 1000} s (see its log above)`);
}

const databaseUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/fediflow';
const redisUrl = process.env['REDIS_URL'] ?? LOCAL_REDIS_URL;

step('Checking PostgreSQL and Redis');
if (!(await answers(databaseUrl))) {
  fail(
    `No PostgreSQL answers at ${new URL(databaseUrl).host}. Start one (e.g. apt-get install postgresql) or set DATABASE_URL.`,
  );
}
if (!(await answers(redisUrl))) {
  fail(
    `No Redis answers at ${new URL(redisUrl).host}. Start one (e.g. redis-server --daemonize yes) or set REDIS_URL.`,
  );
}
await ensureDatabase(databaseUrl).catch((error: unknown) =>
  fail(`Cannot prepare the database at ${new URL(databaseUrl).host}: ${String(error)}`),
);
console.log(`  PostgreSQL ${new URL(databaseUrl).host}, Redis ${new URL(redisUrl).host}`);

if (!values['no-build']) {
  step('Building api, federation and workers (cached when unchanged)');
  const build = spawnSync(
    'nx',
    ['run-many', '-t', 'build', '-p', 'api,federation,workers', '--outputStyle=static'],
    {
      stdio: 'inherit',
      env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false' },
    },
  );
  if (build.status !== 0) fail('The build failed (see above).');
}
for (const { name } of SERVICES) {
  if (!existsSync(join(root, 'dist/apps', name, 'main.js')))
    fail(`dist/apps/${name}/main.js is missing: run without --no-build.`);
}

const env = {
  ...process.env,
  NODE_ENV: process.env['NODE_ENV'] ?? 'development',
  LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'info',
  PUBLIC_ORIGIN: process.env['PUBLIC_ORIGIN'] ?? 'http://localhost:3000',
  DATABASE_URL: databaseUrl,
  REDIS_URL: redisUrl,
};

step('Migrating the database');
const migrate = spawnSync(process.execPath, [join(root, 'dist/apps/api/migrate.js')], {
  stdio: 'inherit',
  env,
});
if (migrate.status !== 0) fail('Migration failed (see above).');

step('Starting the services');
const children = SERVICES.map(({ name, port, metricsPort }) => ({
  name,
  port,
  metricsPort,
  child: runLocalService(name, join(root, 'dist/apps', name, 'main.js'), {
    ...env,
    PORT: String(port),
    METRICS_PORT: String(metricsPort),
  }),
}));

let stopping = false;
async function stopAll(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    step('Stopping (SIGTERM, waiting for in-flight work)');
    await Promise.all(
      children.map(async ({ child }) => {
        if (child.exitCode !== null) return;
        child.kill('SIGTERM');
        await once(child, 'exit');
      }),
    );
  }
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));
for (const { name, child } of children) {
  child.on('exit', (exitCode) => {
    if (!stopping) {
      console.error(`\n✖ ${name} exited unexpectedly (code ${exitCode}); stopping the others.`);
      void stopAll(1);
    }
  });
}

try {
  await Promise.all(
    children.map(({ port, child }) => waitUntilReady(`http://127.0.0.1:${port}/ready`, child)),
  );
} catch (error) {
  console.error(`\n✖ A service did not become ready: ${String(error)}`);
  await stopAll(1);
}

console.log('\nFediFlow is running. Ctrl-C stops it.');
for (const { name, port, metricsPort } of children) {
  console.log(
    `  ${name.padEnd(10)} http://localhost:${port}  (ready: /ready, metrics: http://localhost:${metricsPort}/metrics)`,
  );
}

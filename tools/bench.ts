/**
 * `npm run bench`: authenticated home-timeline throughput of the member API with 100k posts and
 * 1k follows, against its floor (bare node:http reading the member's Redis feed and running one
 * primary-key query for the same 20 rows), measured in the same run (alternating rounds, medians),
 * plus the api's RSS under load; home throughput at 100, 1k and 10k follows
 * (tools/bench/home-follows.ts); the home-feed fan-out of a post to 10k local followers
 * (tools/bench/home-fanout.ts); its RSS
 * idle and under mixed read + write load (tools/bench/memory.ts); then the
 * federation benchmarks (tools/bench/federation-*.ts): signed inbox POSTs accepted per second
 * against a raw node:http inbox, and the fan-out time of a post to 10k remote followers.
 * See docs/benchmarks.md.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { median, runRound, type LoadOptions, type RoundResult, type Target } from './bench/load.ts';
import {
  freePort,
  pinSelf,
  ServerProcess,
  tasksetAvailable,
  waitForStatus,
} from './bench/processes.ts';
import { apiFloorsBenchmark } from './bench/api-floors.ts';
import { fanoutBenchmark } from './bench/federation-fanout.ts';
import { homeFanoutBenchmark } from './bench/home-fanout.ts';
import { homeFollowsBenchmark } from './bench/home-follows.ts';
import { inboxBenchmark } from './bench/federation-inbox.ts';
import { lambdaColdStarts, reportColdStarts } from './bench/lambda-cold-start.ts';
import { memoryBenchmark } from './bench/memory.ts';
import { profileFileIn, profileLines, summariseProfile } from './bench/profile.ts';
import { FEED_PAGE_VIEW_QUERY, PAGE_SIZE, TOKEN_QUERY, VIEW_QUERY } from './bench/queries.ts';
import { DEFAULT_SHAPE, seconds, seed } from './bench/seed.ts';
import { runtimeNodeOptions, type BenchContext } from './bench/services.ts';

const USAGE = `Usage: npm run bench [-- options]

Builds the api (Nx cache), creates a throw-away database fediflow_bench_<random>, migrates it,
registers a member through the API, seeds ${DEFAULT_SHAPE.statuses.toLocaleString('en')} statuses from ${DEFAULT_SHAPE.accounts.toLocaleString('en')} followed accounts,
then load-tests GET /api/v1/timelines/home against its floor: bare node:http reading the member's
Redis feed and running one primary-key query for the same ${PAGE_SIZE} rows. Rounds alternate between
the two; medians are reported. Then home throughput at --follows follows, and (home-fanout) the
home-feed fan-out of a post to 10,000 local followers in the workers.
Then the api's memory: RSS idle and under mixed read + write load (50 connections), as the image
runs it and with V8's defaults.
Then the federation benchmarks: signed inbox POSTs accepted per second by the federation service
against a raw node:http inbox (same rounds), and post → last delivery for 10,000 remote followers
on 1,000 loopback shared inboxes (--fanout-hosts).

Options:
  --duration <s>      measured seconds per round            (default 10)
  --warmup <s>        unmeasured seconds before each round  (default 3)
  --connections <n>   concurrent connections                (default 20)
  --rounds <n>        rounds per endpoint                   (default 3)
  --profile           afterwards, one more api round under node --cpu-prof, summarised;
                      the inbox rounds run the federation service under --cpu-prof, the
                      fan-out runs the workers under it (summarised over the measured posts)
  --api-node-args <a> extra node arguments for the api, e.g. "--max-semi-space-size=4"
  --sql <statement>   extra SQL after seeding (repeatable), to try a fix, e.g. an index
  --keep-db           keep the database (and print its URL) instead of dropping it
  --follows <list>    follow counts of the home-vs-follows rounds   (default 100,1000,10000)
  --only <sections>   run only these, comma-separated: home, home-fanout, memory (api RSS idle and under mixed
                      load), inbox, fanout, federation (= inbox,fanout), lambda (cold start and zip
                      size of the serverless workers), public, notifications, post (each against
                      its own node:http floor; floors = all three)
  --memory-duration <s>  measured seconds of mixed load per memory variant  (default 30)
  --inbox-activities <n>  distinct signed activities for the inbox rounds (default 10000)
  --fanout-posts <n>  measured posts of the fan-out benchmark          (default 5)
  --fanout-hosts <n>  loopback servers the 10,000 followers live on    (default 1000)
  --no-build          use dist/apps/* as they are
  --no-pin            do not pin servers / load generator to CPUs with taskset
  -h, --help          show this help
Environment: BENCH_DATABASE_URL (admin connection, default postgres://postgres@127.0.0.1:5432/postgres),
REDIS_URL (default redis://127.0.0.1:6379), LOG_LEVEL of the api (default info, as in production).`;

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '3' },
    profile: { type: 'boolean', default: false },
    'api-node-args': { type: 'string', default: '' },
    sql: { type: 'string', multiple: true, default: [] },
    'keep-db': { type: 'boolean', default: false },
    only: { type: 'string', default: 'home,home-fanout,floors,memory,federation,lambda' },
    follows: { type: 'string', default: '100,1000,10000' },
    'memory-duration': { type: 'string', default: '30' },
    'inbox-activities': { type: 'string', default: '10000' },
    'fanout-posts': { type: 'string', default: '5' },
    'fanout-hosts': { type: 'string', default: '1000' },
    'no-build': { type: 'boolean', default: false },
    'no-pin': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

function wholeNumber(name: string, raw: string, min: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    console.error(`✖ --${name} must be a whole number ≥ ${min} (got "${raw}")\n\n${USAGE}`);
    process.exit(2);
  }
  return value;
}

const load: LoadOptions = {
  duration: wholeNumber('duration', values.duration, 1),
  warmup: wholeNumber('warmup', values.warmup, 0),
  connections: wholeNumber('connections', values.connections, 1),
};
const rounds = wholeNumber('rounds', values.rounds, 1);
const inboxActivities = wholeNumber('inbox-activities', values['inbox-activities'], 100);
const fanoutPosts = wholeNumber('fanout-posts', values['fanout-posts'], 1);
const fanoutHosts = wholeNumber('fanout-hosts', values['fanout-hosts'], 1);
const memoryDuration = wholeNumber('memory-duration', values['memory-duration'], 1);

const followSizes = values.follows.split(',').map((raw) => wholeNumber('follows', raw.trim(), 1));

const SECTIONS = [
  'home',
  'home-fanout',
  'memory',
  'inbox',
  'fanout',
  'lambda',
  'public',
  'notifications',
  'post',
] as const;
type Section = (typeof SECTIONS)[number];
const sections = new Set<Section>(
  values.only.split(',').flatMap((raw): Section[] => {
    const name = raw.trim();
    if (name === 'federation') return ['inbox', 'fanout'];
    if (name === 'floors') return ['public', 'notifications', 'post'];
    if ((SECTIONS as readonly string[]).includes(name)) return [name as Section];
    console.error(`✖ --only: unknown section "${name}"\n\n${USAGE}`);
    return process.exit(2);
  }),
);
// The home timeline and memory need only the api; federation needs all three services.
// The serverless workers are bundled by the lambda section itself.
const projects =
  sections.has('inbox') || sections.has('fanout')
    ? ['api', 'federation', 'workers']
    : sections.has('home-fanout')
      ? ['api', 'workers']
      : ['home', 'memory', 'public', 'notifications', 'post'].some((s) =>
            sections.has(s as Section),
          )
        ? ['api']
        : [];

// Home against its floor (issue 15: the floor reads the feed; the api adds auth, Nest, shaping).
const TARGET_RATIO = 0.4;
const DEFECT_RATIO = 0.2;
const RSS_LIMIT = 200 * 1024 * 1024;
const POOL_SIZE = 10;

const root = join(import.meta.dirname, '..');
const env = process.env;
const adminUrl = env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const suffix = randomBytes(4).toString('hex');
const database = `fediflow_bench_${suffix}`;
const redisPrefix = `bench-${suffix}`;
const databaseUrl = (() => {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
})();
const workDir = mkdtempSync(join(tmpdir(), 'fediflow-bench-'));

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const mib = (bytes: number) => `${fmt(bytes / 1024 / 1024)} MiB`;
const step = (message: string) => console.log(`\n▶ ${message}`);
const info = (message: string) => console.log(`  ${message}`);

// ---------------------------------------------------------------------------------------------
// Clean-up: servers, database, Redis keys; also on Ctrl-C and failure.

const servers: ServerProcess[] = [];
let databaseCreated = false;
let cleaning: Promise<void> | undefined;

function cleanup(keepLogs: boolean): Promise<void> {
  cleaning ??= (async () => {
    await Promise.allSettled(servers.map((server) => server.stop()));
    if (databaseCreated && !values['keep-db']) {
      const admin = new pg.Client({ connectionString: adminUrl });
      try {
        await admin.connect();
        await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
        info(`dropped database ${database}`);
      } catch (error) {
        console.error(`✖ could not drop database ${database}: ${String(error)}`);
      } finally {
        await admin.end().catch(() => undefined);
      }
    } else if (databaseCreated) {
      info(`kept database: ${databaseUrl}`);
    }
    await deleteRedisKeys().catch((error: unknown) =>
      console.error(`✖ could not delete Redis keys ${redisPrefix}*: ${String(error)}`),
    );
    if (!keepLogs) rmSync(workDir, { recursive: true, force: true });
    else info(`logs kept in ${workDir}`);
  })();
  return cleaning;
}

async function deleteRedisKeys(): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log(`\n${signal}: stopping, cleaning up…`);
    void cleanup(false).finally(() => process.exit(130));
  });
}

// ---------------------------------------------------------------------------------------------
// Steps.

function build(): void {
  if (projects.length === 0) return;
  if (values['no-build']) {
    for (const project of projects)
      if (!existsSync(join(root, `dist/apps/${project}/main.js`)))
        throw new Error(`dist/apps/${project}/main.js is missing: run without --no-build`);
    info(`--no-build: using dist/apps/{${projects.join(',')}} as they are`);
    return;
  }
  const started = performance.now();
  const args = ['nx', 'run-many', '-t', 'build', '-p', projects.join(','), '--output-style=static'];
  const result = spawnSync('npx', args, {
    cwd: root,
    env: { ...env, NX_DAEMON: 'false' },
    encoding: 'utf8',
  });
  if (result.status !== 0)
    throw new Error(`nx build ${projects.join(',')} failed:\n${result.stdout}\n${result.stderr}`);
  const cached =
    /cache/i.test(result.stdout) && /existing outputs match the cache/i.test(result.stdout);
  info(`nx build ${projects.join(',')}: ${seconds(started)}${cached ? ' (cache hit)' : ''}`);
}

async function createDatabase(): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${database}`);
    databaseCreated = true;
  } finally {
    await admin.end();
  }
  const started = performance.now();
  const result = spawnSync(process.execPath, [join(root, 'dist/apps/api/migrate.js')], {
    cwd: root,
    env: { ...env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`migration failed:\n${result.stdout}\n${result.stderr}`);
  info(`${database}: created and migrated in ${seconds(started)}`);
}

interface ApiEndpoint {
  server: ServerProcess;
  base: string;
}

const apiNodeArgs = values['api-node-args'].split(/\s+/).filter(Boolean);

/** The api as the image runs it (NODE_ENV, NODE_OPTIONS of the Dockerfile; LOG_LEVEL info). */
async function startApi(pin: boolean, extraNodeArgs: string[] = []): Promise<ApiEndpoint> {
  const [port, metricsPort] = [await freePort(), await freePort()];
  const base = `http://127.0.0.1:${port}`;
  const server = new ServerProcess(
    'api',
    [...apiNodeArgs, ...extraNodeArgs, join(root, 'dist/apps/api/main.js')],
    {
      ...env,
      NODE_ENV: 'production',
      NODE_OPTIONS: runtimeNodeOptions(root),
      PUBLIC_ORIGIN: base,
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: String(POOL_SIZE),
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: redisPrefix,
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      LOG_LEVEL: env['LOG_LEVEL'] ?? 'info',
      RATE_LIMIT_ENABLED: 'false',
      REGISTRATIONS_OPEN: 'true',
    },
    join(workDir, `api-${servers.length}.log`),
    pin ? 0 : undefined,
  );
  servers.push(server);
  await waitForStatus(`${base}/ready`, server);
  return { server, base };
}

async function startBaseline(pin: boolean, accountId: string): Promise<ApiEndpoint> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = new ServerProcess(
    'baseline',
    ['--import', 'tsx', join(root, 'tools/bench/baseline-server.ts')],
    {
      ...env,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: String(POOL_SIZE),
      BENCH_ACCOUNT_ID: accountId,
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: redisPrefix,
      PORT: String(port),
    },
    join(workDir, 'baseline.log'),
    pin ? 0 : undefined,
  );
  servers.push(server);
  await waitForStatus(`${base}/ready`, server);
  return { server, base };
}

async function call<T>(
  base: string,
  method: string,
  path: string,
  options: { token?: string; json?: unknown; form?: Record<string, string> } = {},
): Promise<T> {
  const headers: Record<string, string> = {};
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  }
  const response = await fetch(`${base}${path}`, { method, headers, body });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/** The bench member, signed up the way a Mastodon client does it. */
async function registerMember(base: string): Promise<{ token: string; accountId: string }> {
  const scopes = 'read write follow';
  const app = await call<{ client_id: string; client_secret: string }>(
    base,
    'POST',
    '/api/v1/apps',
    { json: { client_name: 'FediFlow bench', redirect_uris: 'urn:ietf:wg:oauth:2.0:oob', scopes } },
  );
  const appToken = await call<{ access_token: string }>(base, 'POST', '/oauth/token', {
    form: {
      grant_type: 'client_credentials',
      client_id: app.client_id,
      client_secret: app.client_secret,
      scope: scopes,
    },
  });
  const signup = await call<{ access_token: string }>(base, 'POST', '/api/v1/accounts', {
    token: appToken.access_token,
    json: {
      username: 'bench_member',
      email: 'bench_member@example.test',
      password: `bench-${suffix}-correct-horse`,
      agreement: true,
      locale: 'en',
    },
  });
  const me = await call<{ id: string }>(base, 'GET', '/api/v1/accounts/verify_credentials', {
    token: signup.access_token,
  });
  return { token: signup.access_token, accountId: me.id };
}

interface ApiStatus {
  id: string;
  reblog: unknown;
  in_reply_to_id: string | null;
  mentions: unknown[];
  tags: unknown[];
  favourited?: boolean;
}

/**
 * The member's first home request is served from SQL while its feed is rebuilt (the seed wrote
 * PostgreSQL only); resolves with the feed's first page of ids once it exists.
 */
async function buildFeed(base: string, member: { token: string; accountId: string }) {
  const started = performance.now();
  await call(base, 'GET', '/api/v1/timelines/home', { token: member.token });
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    const key = `${redisPrefix}:home:${member.accountId}`;
    for (;;) {
      const ids = await redis.zrange(key, '+', '(0', 'BYLEX', 'REV', 'LIMIT', 0, PAGE_SIZE);
      if (ids.length > 0) {
        info(`feed rebuilt from PostgreSQL by the first request: ${seconds(started)}`);
        return ids.map((id) => id.replace(/^0+(?=\d)/, ''));
      }
      if (performance.now() - started > 120_000) throw new Error('the feed was not rebuilt');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    redis.disconnect();
  }
}

/** Both endpoints must return the same page before anything is measured. */
async function verifySamePage(api: string, baseline: string, token: string): Promise<void> {
  const statuses = await call<ApiStatus[]>(api, 'GET', '/api/v1/timelines/home', { token });
  const rows = await call<{ id: string; in_page: boolean }[]>(baseline, 'GET', '/home');
  const apiIds = statuses.map((s) => s.id);
  const baselineIds = rows.filter((r) => r.in_page).map((r) => r.id);
  if (apiIds.length !== PAGE_SIZE || apiIds.join() !== baselineIds.join()) {
    throw new Error(
      `the endpoints disagree:\n  api      ${apiIds.join(' ')}\n  baseline ${baselineIds.join(' ')}`,
    );
  }
  const count = (predicate: (s: ApiStatus) => boolean) => statuses.filter(predicate).length;
  info(
    `same ${PAGE_SIZE} status ids from both ✔  (page: ${count((s) => s.reblog !== null)} reblogs, ` +
      `${count((s) => s.in_reply_to_id !== null)} replies, ${count((s) => s.mentions.length > 0)} with mentions, ` +
      `${count((s) => s.tags.length > 0)} with tags, ${count((s) => s.favourited === true)} favourited)`,
  );
}

/**
 * Server-side cost of each query, from EXPLAIN (ANALYZE, BUFFERS) on an idle connection: median
 * planning and execution time and the shared buffers touched. Shows how much of a request is the
 * database and how much the api adds on top of the baseline's query.
 */
async function compareQueries(
  accountId: string,
  tokenHash: string,
  feedIds: string[],
): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  interface Explained {
    'Planning Time': number;
    'Execution Time': number;
    Plan: { 'Shared Hit Blocks': number; 'Shared Read Blocks': number };
  }
  try {
    const queries = [
      ['feed page by primary key (api and floor)', FEED_PAGE_VIEW_QUERY, [accountId, feedIds]],
      ['SQL home page (feed miss / past its tail)', VIEW_QUERY, [accountId]],
      ['api token lookup (AccessTokenGuard)', TOKEN_QUERY, [tokenHash]],
    ] as const;
    for (const [label, sql, params] of queries) {
      const runs: Explained[] = [];
      for (let i = 0; i < 25; i++) {
        const { rows } = await client.query<{ 'QUERY PLAN': [Explained] }>(
          `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`,
          [...params],
        );
        const plan = rows[0]?.['QUERY PLAN'][0];
        if (plan && i >= 5) runs.push(plan);
      }
      const m = (pick: (e: Explained) => number) => median(runs.map(pick));
      info(
        `${label.padEnd(44)} exec ${fmt(
          m((e) => e['Execution Time']),
          2,
        ).padStart(6)} ms` +
          `   plan ${fmt(
            m((e) => e['Planning Time']),
            2,
          ).padStart(5)} ms` +
          `   ${fmt(m((e) => e.Plan['Shared Hit Blocks'] + e.Plan['Shared Read Blocks'])).padStart(6)} buffers` +
          `   (median of ${runs.length})`,
      );
    }
  } finally {
    await client.end();
  }
}

function roundLine(result: RoundResult, ratio?: number): string {
  return (
    `  ${`${result.target} #${result.round}`.padEnd(12)} ${fmt(result.requestsPerSecond).padStart(7)} req/s` +
    `   p50 ${fmt(result.p50).padStart(4)} ms   p99 ${fmt(result.p99).padStart(4)} ms` +
    `   ${fmt(result.bytesPerResponse / 1024, 1).padStart(5)} KiB/resp   RSS ${mib(result.rssEnd).padStart(7)}` +
    (ratio === undefined ? '' : `   round ratio ${ratio.toFixed(2)}`)
  );
}

async function main(): Promise<void> {
  const benchStarted = performance.now();
  const pin = !values['no-pin'] && tasksetAvailable() && cpus().length >= 2;
  console.log(
    `FediFlow benchmarks (${[...sections].join(', ')}) — node ${process.version}, ${cpus().length} CPUs, ` +
      `load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );
  console.log(
    `  ${load.connections} connections, ${load.warmup} s warm-up + ${load.duration} s measured, ` +
      `${rounds} rounds per endpoint, alternating; ` +
      (pin
        ? 'servers pinned to CPU 0, load generator to CPU 1 (PostgreSQL unpinned)'
        : 'no CPU pinning') +
      (apiNodeArgs.length > 0 ? `; api node args: ${apiNodeArgs.join(' ')}` : ''),
  );

  step('Build');
  build();
  if (pin) pinSelf(1);

  // The lambda section only connects (an empty batch, mail off): the admin database will do.
  if (projects.length > 0) {
    step('Database');
    await createDatabase();
  }

  const context: BenchContext = {
    root,
    workDir,
    databaseUrl,
    redisUrl,
    redisPrefix,
    pin,
    load,
    rounds,
    servers,
    step,
    info,
  };
  if (sections.has('home')) await homeTimeline(pin, context);
  if (sections.has('home-fanout'))
    await homeFanoutBenchmark(context, {
      followers: 10_000,
      posts: fanoutPosts,
      profile: values.profile,
    });
  await apiFloorsBenchmark(context, sections, { apiNodeArgs, profile: values.profile });
  if (sections.has('memory'))
    await memoryBenchmark(context, { ...load, duration: memoryDuration }, apiNodeArgs);
  if (sections.has('inbox')) await inboxBenchmark(context, inboxActivities, values.profile);
  if (sections.has('fanout'))
    await fanoutBenchmark(context, {
      followers: 10_000,
      hosts: fanoutHosts,
      posts: fanoutPosts,
      profile: values.profile,
    });
  if (sections.has('lambda')) {
    step('Serverless workers: cold start and package size');
    const report = reportColdStarts(
      await lambdaColdStarts({
        databaseUrl: projects.length > 0 ? databaseUrl : adminUrl,
        redisUrl,
        runs: 5,
      }),
    );
    for (const line of report.lines) info(line);
  }

  console.log(`\nbench took ${seconds(benchStarted)}`);
}

/** Issue 3: the home timeline of the api against the raw node:http + pg baseline. */
async function homeTimeline(pin: boolean, context: BenchContext): Promise<void> {
  step('Member (through the API)');
  let api = await startApi(pin);
  const member = await registerMember(api.base);
  info(`bench_member: account ${member.accountId}, token for ${'read write follow'}`);

  step('Seed');
  const seedStarted = performance.now();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  let tokenHash: string;
  try {
    await seed(client, member.accountId, DEFAULT_SHAPE, info);
    const { rows } = await client.query<{ token_hash: string }>(
      `SELECT t.token_hash FROM oauth_access_tokens t JOIN users u ON u.id = t.user_id
        WHERE u.account_id = $1`,
      [member.accountId],
    );
    tokenHash = rows[0]?.token_hash ?? '';
    for (const statement of values.sql) {
      const started = performance.now();
      await client.query(statement);
      info(`--sql ${statement}: ${seconds(started)}`);
    }
    if (values.sql.length > 0) await client.query('VACUUM ANALYZE');
  } finally {
    await client.end();
  }
  info(`seed total: ${seconds(seedStarted)}`);

  step('Floor server and verification');
  const feedIds = await buildFeed(api.base, member);
  const baseline = await startBaseline(pin, member.accountId);
  await verifySamePage(api.base, baseline.base, member.token);
  await compareQueries(member.accountId, tokenHash, feedIds);

  const targets: Record<Target['name'], Target> = {
    baseline: {
      name: 'baseline',
      url: `${baseline.base}/home`,
      headers: { authorization: `Bearer ${member.token}` },
      server: baseline.server,
    },
    api: {
      name: 'api',
      url: `${api.base}/api/v1/timelines/home`,
      headers: { authorization: `Bearer ${member.token}` },
      server: api.server,
    },
  };

  step('Load');
  const idleRss = api.server.rss() ?? 0;
  info(`api RSS before load: ${mib(idleRss)}`);
  const results: RoundResult[] = [];
  const pairRatios: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    // Alternate which goes first, so slow drift of the machine does not favour one side.
    const order: Target['name'][] = round % 2 === 1 ? ['baseline', 'api'] : ['api', 'baseline'];
    const inRound: Partial<Record<Target['name'], RoundResult>> = {};
    for (const name of order) {
      const result = await runRound(targets[name], round, load);
      if (result.failures > 0)
        throw new Error(
          `${name} round ${round}: ${result.failures} failed requests (non-2xx, errors or timeouts)\n` +
            targets[name].server.tail(),
        );
      inRound[name] = result;
      results.push(result);
      const ratio =
        inRound.api && inRound.baseline
          ? inRound.api.requestsPerSecond / inRound.baseline.requestsPerSecond
          : undefined;
      if (ratio !== undefined) pairRatios.push(ratio);
      console.log(roundLine(result, ratio));
    }
  }
  const finalRss = api.server.rss() ?? 0;

  const of = (name: Target['name']) => results.filter((r) => r.target === name);
  const summary = (name: Target['name']) => ({
    rps: median(of(name).map((r) => r.requestsPerSecond)),
    p50: median(of(name).map((r) => r.p50)),
    p99: median(of(name).map((r) => r.p99)),
    kib: median(of(name).map((r) => r.bytesPerResponse)) / 1024,
    rssMax: Math.max(...of(name).map((r) => r.rssMax)),
  });
  const b = summary('baseline');
  const a = summary('api');
  const ratio = a.rps / b.rps;

  step(
    `Results (medians of ${rounds} rounds × ${load.duration} s, ${load.connections} connections)`,
  );
  console.log('  endpoint   req/s     p50 ms   p99 ms   KiB/resp   RSS max');
  for (const [name, s] of [
    ['baseline', b],
    ['api', a],
  ] as const) {
    console.log(
      `  ${name.padEnd(9)} ${fmt(s.rps).padStart(6)}   ${fmt(s.p50).padStart(6)}   ${fmt(s.p99).padStart(6)}   ` +
        `${fmt(s.kib, 1).padStart(8)}   ${mib(s.rssMax).padStart(7)}`,
    );
  }
  const verdict =
    ratio >= TARGET_RATIO ? 'PASS' : ratio >= DEFECT_RATIO ? 'BELOW TARGET' : 'DEFECT (< 0.3)';
  const rssVerdict = Math.max(a.rssMax, finalRss) < RSS_LIMIT ? 'PASS' : 'OVER LIMIT';
  console.log('');
  console.log(
    `home timeline: ${fmt(a.rps)} req/s vs baseline ${fmt(b.rps)} req/s → ratio ${ratio.toFixed(2)} ` +
      `(target ≥ ${TARGET_RATIO}) ${verdict}`,
  );
  console.log(
    `  per-round ratios ${pairRatios.map((r) => r.toFixed(2)).join(', ')} (median ${median(pairRatios).toFixed(2)}); ` +
      `p99 api ${fmt(a.p99)} ms vs baseline ${fmt(b.p99)} ms`,
  );
  console.log(
    `api RSS under load: max ${mib(a.rssMax)}, final ${mib(finalRss)} (idle ${mib(idleRss)}; limit ${mib(RSS_LIMIT)}) ${rssVerdict}`,
  );

  if (values.profile) {
    step('CPU profile of one api round (node --cpu-prof)');
    await api.server.stop();
    const profileDir = join(workDir, 'cpu-profile');
    api = await startApi(pin, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]);
    const profiled = await runRound(
      { ...targets.api, url: `${api.base}/api/v1/timelines/home`, server: api.server },
      0,
      load,
    );
    console.log(roundLine(profiled));
    await api.server.stop();
    const file = profileFileIn(profileDir);
    const profile = summariseProfile(
      file,
      {
        fromMs: profiled.measuredFrom - api.server.startedAt,
        toMs: profiled.measuredTo - api.server.startedAt,
      },
      20,
    );
    info(
      `measured ${fmt(profile.totalMs / 1000, 1)} s: the api was on CPU ${fmt(profile.busyMs / 1000, 1)} s ` +
        `(${fmt((100 * profile.busyMs) / profile.totalMs)}% of one core); self time by package:`,
    );
    for (const line of profileLines(profile)) info(line);
    info(`profile: ${file} (open in Chrome DevTools › Performance)`);
  }
  await homeFollowsBenchmark(context, api, followSizes);
  // The api's pool would hold connections to the database the federation sections reuse.
  await api.server.stop();
  await baseline.server.stop();
}

main().then(
  () => cleanup(values.profile).then(() => process.exit(0)),
  (error: unknown) => {
    console.error(`\n✖ bench failed: ${error instanceof Error ? error.message : String(error)}`);
    void cleanup(true).finally(() => process.exit(1));
  },
);

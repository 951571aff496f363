/**
 * Issue 15: the public timeline, notifications and `POST /api/v1/statuses` of the api, each
 * against its own physical floor (tools/bench/floor-server.ts: bare node:http doing the minimum
 * equivalent work) in the same run: alternating rounds, medians, the home section's table.
 * See docs/benchmarks.md.
 */
import { join } from 'node:path';
import { registerApp, registerMember, type Member } from '@fediflow/testing';
import pg from 'pg';
import type autocannon from 'autocannon';
import { NOTIFICATIONS_PAGE_SIZE, PUBLIC_PAGE_SIZE } from './floor-queries.ts';
import { median, runRound, type RoundResult, type Target } from './load.ts';
import { freePort, ServerProcess, waitForStatus } from './processes.ts';
import { profileFileIn, profileLines, summariseProfile } from './profile.ts';
import { DEFAULT_SHAPE, seed } from './seed.ts';
import { type BenchContext, fmt, type RunningService, startBuiltService } from './services.ts';

export const FLOOR_SECTIONS = ['public', 'notifications', 'post'] as const;
export type FloorSection = (typeof FLOOR_SECTIONS)[number];

const POOL_SIZE = 10;
/** Notifications of the poster: mentions of them on seeded statuses, and follows. */
const NOTIFICATIONS = 2_000;
const POST_TEXT = 'Bench post: measurements and notes from the lab, with a #fediflow hashtag.';

type Side = Target<'floor' | 'api'>;
type SideResult = RoundResult<'floor' | 'api'>;

const mib = (bytes: number) => `${fmt(bytes / 1024 / 1024)} MiB`;

interface Endpoint {
  section: FloorSection;
  label: string;
  api: (base: string, token: string) => Omit<Side, 'server' | 'name'>;
  floor: (base: string) => Omit<Side, 'server' | 'name'>;
}

const postRequest = (path: string, token?: string): autocannon.Request => ({
  method: 'POST',
  path,
  headers: {
    'content-type': 'application/json',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  },
  body: JSON.stringify({ status: POST_TEXT, visibility: 'public' }),
});

const ENDPOINTS: Record<FloorSection, Endpoint> = {
  public: {
    section: 'public',
    label: 'GET /api/v1/timelines/public',
    api: (base, token) => ({
      url: `${base}/api/v1/timelines/public`,
      headers: { authorization: `Bearer ${token}` },
    }),
    floor: (base) => ({ url: `${base}/public`, headers: {} }),
  },
  notifications: {
    section: 'notifications',
    label: 'GET /api/v1/notifications',
    api: (base, token) => ({
      url: `${base}/api/v1/notifications`,
      headers: { authorization: `Bearer ${token}` },
    }),
    floor: (base) => ({ url: `${base}/notifications`, headers: {} }),
  },
  post: {
    section: 'post',
    label: 'POST /api/v1/statuses',
    api: (base, token) => ({
      url: base,
      headers: {},
      requests: [postRequest('/api/v1/statuses', token)],
    }),
    floor: (base) => ({ url: base, headers: {}, requests: [postRequest('/statuses')] }),
  },
};

/**
 * The data the three endpoints read: the home section's seed (run here unless it already ran in
 * this database) plus, for the member of this section, followers (so a post has remote
 * recipients and an outbox row, as a real member's does) and notifications.
 */
async function prepare(ctx: BenchContext, member: Member): Promise<void> {
  const client = new pg.Client({ connectionString: ctx.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM accounts WHERE username ~ '^bench_[0-9]+$'`,
    );
    if ((rows[0]?.n ?? 0) === 0) await seed(client, member.accountId, DEFAULT_SHAPE, ctx.info);
    else ctx.info(`reusing the seed already in ${ctx.databaseUrl.split('/').pop()}`);
    const followers = await client.query(
      `INSERT INTO follows (account_id, target_account_id)
       SELECT id, $1::bigint FROM accounts WHERE username ~ '^bench_[0-9]+$' ON CONFLICT DO NOTHING`,
      [member.accountId],
    );
    await client.query(
      `UPDATE accounts SET followers_count = (SELECT count(*) FROM follows WHERE target_account_id = $1)
        WHERE id = $1`,
      [member.accountId],
    );
    // 70 % mentions of the member on recent visible statuses, 30 % follows, interleaved (ids
    // are assigned in insertion order), so every page has both kinds.
    const mentions = Math.round(NOTIFICATIONS * 0.7);
    const follows = NOTIFICATIONS - mentions;
    const notifications = await client.query(
      `INSERT INTO notifications (account_id, from_account_id, type, status_id)
       SELECT $1::bigint, from_id, type, status_id FROM (
         SELECT row_number() OVER (ORDER BY id) / ${mentions}::float AS position,
                account_id AS from_id, 'mention' AS type, id AS status_id
           FROM (SELECT id, account_id FROM statuses
                  WHERE visibility IN ('public', 'unlisted') AND reblog_of_id IS NULL
                  ORDER BY id DESC LIMIT ${mentions}) recent
         UNION ALL
         SELECT row_number() OVER (ORDER BY f.id) / ${follows}::float, f.account_id, 'follow', NULL
           FROM (SELECT id, account_id FROM follows WHERE target_account_id = $1
                  ORDER BY id LIMIT ${follows}) f
       ) mixed
       ORDER BY position
       ON CONFLICT DO NOTHING`,
      [member.accountId],
    );
    // The seed's favourites belong to its own member when the home section ran first: the
    // view's per-viewer flags must see a member who favourites (4 %, as the seed's member).
    await client.query(
      `INSERT INTO favourites (account_id, status_id)
       SELECT $1::bigint, id FROM statuses
        WHERE id % 25 = 11 AND visibility <> 'direct' AND reblog_of_id IS NULL
       ON CONFLICT DO NOTHING`,
      [member.accountId],
    );
    await client.query('VACUUM ANALYZE follows, notifications, accounts, favourites');
    ctx.info(
      `${member.username}: ${fmt(followers.rowCount ?? 0)} followers (30 % remote), ` +
        `${fmt(notifications.rowCount ?? 0)} notifications`,
    );
  } finally {
    await client.end();
  }
}

async function startFloor(ctx: BenchContext, member: Member, origin: string) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = new ServerProcess(
    'floor',
    ['--import', 'tsx', join(ctx.root, 'tools/bench/floor-server.ts')],
    {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: ctx.databaseUrl,
      DATABASE_POOL_SIZE: String(POOL_SIZE),
      BENCH_ACCOUNT_ID: member.accountId,
      BENCH_ORIGIN: origin,
      PORT: String(port),
    },
    join(ctx.workDir, 'floor.log'),
    ctx.pin ? 0 : undefined,
  );
  ctx.servers.push(server);
  await waitForStatus(`${base}/ready`, server);
  return { server, base };
}

async function getJson<T>(url: string, token?: string): Promise<T> {
  const response = await fetch(url, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/** Both sides must answer the same page (ids, newest first) before anything is measured. */
async function verify(
  ctx: BenchContext,
  section: FloorSection,
  api: string,
  floor: string,
  token: string,
) {
  if (section === 'post') {
    const viaApi = await fetch(`${api}/api/v1/statuses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ status: POST_TEXT }),
    });
    const viaFloor = await fetch(`${floor}/statuses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: POST_TEXT }),
    });
    if (!viaApi.ok || !viaFloor.ok)
      throw new Error(`POST: api HTTP ${viaApi.status}, floor HTTP ${viaFloor.status}`);
    const [a, f] = [
      (await viaApi.json()) as { id: string },
      (await viaFloor.json()) as { id: string },
    ];
    ctx.info(`post: both created a status (api ${a.id}, floor ${f.id}) ✔`);
    return;
  }
  const path = section === 'public' ? '/api/v1/timelines/public' : '/api/v1/notifications';
  const size = section === 'public' ? PUBLIC_PAGE_SIZE : NOTIFICATIONS_PAGE_SIZE;
  const apiIds = (await getJson<{ id: string }[]>(`${api}${path}`, token)).map((r) => r.id);
  const floorIds = (await getJson<{ id: string }[]>(`${floor}/${section}`)).map((r) => r.id);
  if (apiIds.length !== size || apiIds.join() !== floorIds.join())
    throw new Error(
      `${section}: the endpoints disagree:\n  api   ${apiIds.join(' ')}\n  floor ${floorIds.join(' ')}`,
    );
  ctx.info(`${section}: same ${size} ids from both ✔`);
}

/** Requests per second counts answered 2xx only. */
function successesOnly(result: SideResult, ctx: BenchContext): SideResult {
  const failedPerSecond = result.failures / ctx.load.duration;
  return { ...result, requestsPerSecond: Math.max(0, result.requestsPerSecond - failedPerSecond) };
}

function roundLine(result: SideResult, ratio?: number): string {
  return (
    `  ${`${result.target} #${result.round}`.padEnd(12)} ${fmt(result.requestsPerSecond).padStart(7)} req/s` +
    `   p50 ${fmt(result.p50).padStart(4)} ms   p99 ${fmt(result.p99).padStart(4)} ms` +
    `   ${fmt(result.bytesPerResponse / 1024, 1).padStart(5)} KiB/resp   RSS ${mib(result.rssEnd).padStart(7)}` +
    (ratio === undefined ? '' : `   round ratio ${ratio.toFixed(2)}`) +
    (result.failures > 0 ? `   ${fmt(result.failures)} FAILED (non-2xx/timeouts)` : '')
  );
}

export interface FloorResult {
  section: FloorSection;
  api: { rps: number; p50: number; p99: number };
  floor: { rps: number; p50: number; p99: number };
  ratio: number;
  roundRatios: number[];
}

/** Alternating rounds of one endpoint (floor first on odd rounds), then the summary table. */
async function measure(
  ctx: BenchContext,
  endpoint: Endpoint,
  targets: Record<Side['name'], Side>,
): Promise<FloorResult> {
  ctx.step(`${endpoint.label} against its floor`);
  const results: SideResult[] = [];
  const roundRatios: number[] = [];
  for (let round = 1; round <= ctx.rounds; round++) {
    // Alternate which goes first, so slow drift of the machine does not favour one side.
    const order: Side['name'][] = round % 2 === 1 ? ['floor', 'api'] : ['api', 'floor'];
    const inRound: Partial<Record<Side['name'], SideResult>> = {};
    for (const name of order) {
      const result = successesOnly(await runRound(targets[name], round, ctx.load), ctx);
      // A failing floor is a broken bench; an api answering 503 under load (pool or statement
      // timeouts) is a finding: its successes are counted and its failures printed.
      if (result.failures > 0 && (name === 'floor' || result.requestsPerSecond === 0))
        throw new Error(
          `${endpoint.section} ${name} round ${round}: ${result.failures} failed requests\n` +
            targets[name].server.tail(),
        );
      inRound[name] = result;
      results.push(result);
      const ratio =
        inRound.api && inRound.floor
          ? inRound.api.requestsPerSecond / inRound.floor.requestsPerSecond
          : undefined;
      if (ratio !== undefined) roundRatios.push(ratio);
      console.log(roundLine(result, ratio));
    }
  }
  const summary = (name: Side['name']) => {
    const of = results.filter((r) => r.target === name);
    return {
      rps: median(of.map((r) => r.requestsPerSecond)),
      p50: median(of.map((r) => r.p50)),
      p99: median(of.map((r) => r.p99)),
      kib: median(of.map((r) => r.bytesPerResponse)) / 1024,
      rssMax: Math.max(...of.map((r) => r.rssMax)),
      failures: of.reduce((sum, r) => sum + r.failures, 0),
    };
  };
  const floor = summary('floor');
  const api = summary('api');
  console.log(
    `\n  ${endpoint.section} (medians of ${ctx.rounds} rounds × ${ctx.load.duration} s, ${ctx.load.connections} connections)`,
  );
  console.log('  endpoint   req/s     p50 ms   p99 ms   KiB/resp   RSS max');
  for (const [name, s] of [
    ['floor', floor],
    ['api', api],
  ] as const) {
    console.log(
      `  ${name.padEnd(9)} ${fmt(s.rps).padStart(6)}   ${fmt(s.p50).padStart(6)}   ${fmt(s.p99).padStart(6)}   ` +
        `${fmt(s.kib, 1).padStart(8)}   ${mib(s.rssMax).padStart(7)}`,
    );
  }
  const ratio = api.rps / floor.rps;
  if (api.failures > 0)
    console.log(
      `  the api failed ${fmt(api.failures)} requests (503: pool or statement timeouts); req/s counts 2xx only`,
    );
  console.log(
    `${endpoint.label}: ${fmt(api.rps)} req/s vs floor ${fmt(floor.rps)} req/s → ratio ${ratio.toFixed(2)}; ` +
      `per-round ratios ${roundRatios.map((r) => r.toFixed(2)).join(', ')}; ` +
      `p50 ${fmt(api.p50)} / ${fmt(floor.p50)} ms, p99 ${fmt(api.p99)} / ${fmt(floor.p99)} ms (api / floor)`,
  );
  return { section: endpoint.section, api, floor, ratio, roundRatios };
}

/** Waits (at most 2 minutes) until the api's outbox relay has sent every committed row. */
async function outboxDrained(ctx: BenchContext): Promise<void> {
  const client = new pg.Client({ connectionString: ctx.databaseUrl });
  await client.connect();
  try {
    const started = Date.now();
    for (let pass = 0; ; pass++) {
      const { rows } = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM federation_outbox WHERE relayed_at IS NULL`,
      );
      const pending = rows[0]?.n ?? 0;
      if (pass === 0) ctx.info(`outbox: ${fmt(pending)} rows not yet relayed after the rounds`);
      if (pending === 0 || Date.now() - started > 120_000) {
        if (pending > 0) ctx.info(`outbox: ${fmt(pending)} rows still pending after 2 min`);
        else ctx.info(`outbox drained in ${fmt((Date.now() - started) / 1000, 1)} s`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    await client.end();
  }
}

/** One api round per section under `node --cpu-prof`, each summarised over its measured window. */
async function profile(
  ctx: BenchContext,
  sections: FloorSection[],
  startApi: (nodeArgs: string[]) => Promise<RunningService>,
  token: string,
): Promise<void> {
  const dir = join(ctx.workDir, 'cpu-profile-floors');
  const api = await startApi(['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  const windows: { section: FloorSection; fromMs: number; toMs: number }[] = [];
  for (const section of sections) {
    const result = await runRound(
      { name: 'api', server: api.server, ...ENDPOINTS[section].api(api.base, token) },
      0,
      ctx.load,
    );
    console.log(`  ${section.padEnd(13)} profiled: ${roundLine(result).trim()}`);
    windows.push({
      section,
      fromMs: result.measuredFrom - api.server.startedAt,
      toMs: result.measuredTo - api.server.startedAt,
    });
  }
  await api.server.stop();
  const file = profileFileIn(dir);
  for (const window of windows) {
    const summary = summariseProfile(file, window, 15);
    ctx.step(
      `CPU profile, ${ENDPOINTS[window.section].label}: on CPU ${fmt(summary.busyMs / 1000, 1)} s of ` +
        `${fmt(summary.totalMs / 1000, 1)} s (${fmt((100 * summary.busyMs) / summary.totalMs)}% of one core)`,
    );
    for (const line of profileLines(summary, 8)) ctx.info(line);
  }
  ctx.info(`profile: ${file}`);
}

/**
 * The selected sections in the order public, notifications, post (the posts change the public
 * timeline). `apiNodeArgs` come from --api-node-args; `withProfile` adds the profiled rounds.
 */
export async function apiFloorsBenchmark(
  ctx: BenchContext,
  selected: ReadonlySet<string>,
  options: { apiNodeArgs: string[]; profile: boolean },
): Promise<FloorResult[]> {
  const sections = FLOOR_SECTIONS.filter((s) => selected.has(s));
  if (sections.length === 0) return [];
  ctx.step(`API floors (${sections.join(', ')}): member, seed, floor server`);
  const port = await freePort();
  const startApi = (nodeArgs: string[]) =>
    startBuiltService(
      ctx,
      'api',
      {
        PUBLIC_ORIGIN: `http://127.0.0.1:${port}`,
        DATABASE_POOL_SIZE: String(POOL_SIZE),
        REDIS_KEY_PREFIX: `${ctx.redisPrefix}-floors`,
        RATE_LIMIT_ENABLED: 'false',
        REGISTRATIONS_OPEN: 'true',
      },
      { port, label: 'api-floors', nodeArgs: [...options.apiNodeArgs, ...nodeArgs] },
    );
  const api = await startApi([]);
  const member = await registerMember(api.base, await registerApp(api.base), 'floors_member');
  const token = member.client.token ?? '';
  await prepare(ctx, member);
  const floor = await startFloor(ctx, member, api.base);
  const results: FloorResult[] = [];
  try {
    for (const section of sections) await verify(ctx, section, api.base, floor.base, token);
    for (const section of sections) {
      const endpoint = ENDPOINTS[section];
      results.push(
        await measure(ctx, endpoint, {
          floor: { name: 'floor', server: floor.server, ...endpoint.floor(floor.base) },
          api: { name: 'api', server: api.server, ...endpoint.api(api.base, token) },
        }),
      );
    }
    if (options.profile) {
      // The measured POST rounds leave outbox rows the relay has not sent yet; a profiled api
      // would spend its read rounds relaying them: the measured api drains them first.
      await outboxDrained(ctx);
      await api.server.stop();
      await profile(ctx, sections, startApi, token);
    }
  } finally {
    await api.server.stop();
    await floor.server.stop();
  }
  return results;
}

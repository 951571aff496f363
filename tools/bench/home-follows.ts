/**
 * Home throughput against the number of follows (issue 15): one member per size (100, 1,000 and
 * 10,000 follows by default) over the same pool of authors, each page read from the member's Redis
 * feed. With fan-out on write the cost of a page must not grow with follows: target within ±20 %
 * of each other. Each member's feed is built once by its first request (the SQL rebuild, timed).
 */
import { registerApp, registerMember, type Member } from '@fediflow/testing';
import { Redis } from 'ioredis';
import pg from 'pg';
import { median, runRound, type RoundResult } from './load.ts';
import type { RunningService } from './services.ts';
import { type BenchContext, fmt, loadAverage } from './services.ts';

/** Spread allowed between the fastest and the slowest size, relative to their median. */
const TARGET_SPREAD = 0.2;
const STATUSES_PER_AUTHOR = 10;

export interface HomeFollowsRow {
  follows: number;
  rps: number;
  p50: number;
  p99: number;
  rebuildMs: number;
}

/** `authors` accounts `sweep_<n>` (30 % remote), `perAuthor` posts each, one minute apart. */
async function seedAuthors(client: pg.Client, authors: number, perAuthor: number): Promise<void> {
  await client.query(
    `INSERT INTO accounts (username, domain, display_name, uri)
     SELECT 'sweep_' || g, CASE WHEN g % 10 < 3 THEN 'remote' || (g % 7) || '.example' END,
            'Sweep ' || g,
            CASE WHEN g % 10 < 3 THEN 'https://remote' || (g % 7) || '.example/users/sweep_' || g END
       FROM generate_series(1, $1::int) g`,
    [authors],
  );
  // Snowflakes from created_at, as snowflake_id() makes them: older than anything the api writes.
  await client.query(
    `INSERT INTO statuses (id, account_id, local, text, content, visibility, created_at)
     SELECT (floor(extract(epoch FROM t) * 1000)::bigint << 16) | (k % 65536),
            a.id, a.domain IS NULL, 'sweep post ' || k, '<p>sweep post ' || k || '</p>',
            CASE WHEN k % 10 = 0 THEN 'unlisted' ELSE 'public' END, t
       FROM (SELECT id, domain, row_number() OVER (ORDER BY id) AS r FROM accounts
              WHERE username ~ '^sweep_[0-9]+$') a
      CROSS JOIN generate_series(1, $1::int) n
      CROSS JOIN LATERAL (SELECT (a.r - 1) * $1::int + n AS k) kk
      CROSS JOIN LATERAL (SELECT now() - interval '30 days' + (kk.k * interval '1 minute') AS t) tt`,
    [perAuthor],
  );
  await client.query(
    `UPDATE accounts SET statuses_count = $1::int WHERE username ~ '^sweep_[0-9]+$'`,
    [perAuthor],
  );
}

async function follow(client: pg.Client, memberId: string, count: number): Promise<void> {
  await client.query(
    `INSERT INTO follows (account_id, target_account_id)
     SELECT $1::bigint, id FROM accounts WHERE username ~ '^sweep_[0-9]+$'
      ORDER BY id LIMIT $2::int`,
    [memberId, count],
  );
  await client.query(`UPDATE accounts SET following_count = $2::int WHERE id = $1::bigint`, [
    memberId,
    count,
  ]);
}

/** First request: served from SQL while the feed is rebuilt; resolves when the feed exists. */
async function buildFeed(
  ctx: BenchContext,
  api: RunningService,
  member: Member,
  redis: Redis,
): Promise<number> {
  const started = performance.now();
  const response = await member.client.get('/api/v1/timelines/home');
  if (response.status !== 200) throw new Error(`home of ${member.username}: ${response.status}`);
  const key = `${ctx.redisPrefix}:home:${member.accountId}`;
  while ((await redis.exists(key)) === 0) {
    if (performance.now() - started > 120_000) {
      throw new Error(`${member.username}'s feed was not rebuilt\n${api.server.tail()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return performance.now() - started;
}

export async function homeFollowsBenchmark(
  ctx: BenchContext,
  api: RunningService,
  sizes: readonly number[],
): Promise<HomeFollowsRow[]> {
  const { info } = ctx;
  const authors = Math.max(...sizes);
  ctx.step(`Home vs follows: ${sizes.map((n) => fmt(n)).join(', ')} follows`);
  const client = new pg.Client({ connectionString: ctx.databaseUrl });
  const redis = new Redis(ctx.redisUrl, { maxRetriesPerRequest: 1 });
  await client.connect();
  try {
    const started = performance.now();
    await seedAuthors(client, authors, STATUSES_PER_AUTHOR);
    const app = await registerApp(api.base);
    const members: { follows: number; member: Member }[] = [];
    for (const follows of sizes) {
      const member = await registerMember(api.base, app, `follows_${follows}`);
      await follow(client, member.accountId, follows);
      members.push({ follows, member });
    }
    await client.query('VACUUM ANALYZE');
    info(
      `${fmt(authors)} authors × ${STATUSES_PER_AUTHOR} posts, ${sizes.length} members: ` +
        `${fmt((performance.now() - started) / 1000, 1)} s`,
    );
    const rebuildMs = new Map<number, number>();
    for (const { follows, member } of members) {
      rebuildMs.set(follows, await buildFeed(ctx, api, member, redis));
    }

    const results: RoundResult<string>[] = [];
    for (let round = 1; round <= ctx.rounds; round++) {
      // Rotate the order, so drift of the shared machine does not favour one size.
      const order = members.map((_, i) => members[(i + round - 1) % members.length]!);
      for (const { follows, member } of order) {
        const result = await runRound(
          {
            name: `${fmt(follows)} follows`,
            url: `${api.base}/api/v1/timelines/home`,
            headers: { authorization: `Bearer ${member.client.token}` },
            server: api.server,
          },
          round,
          ctx.load,
        );
        if (result.failures > 0) {
          throw new Error(
            `${result.target}: ${result.failures} failed requests\n${api.server.tail()}`,
          );
        }
        results.push(result);
        info(
          `${result.target.padEnd(15)} #${round} ${fmt(result.requestsPerSecond).padStart(6)} req/s` +
            `   p50 ${fmt(result.p50).padStart(4)} ms   p99 ${fmt(result.p99).padStart(4)} ms`,
        );
      }
    }
    const rows = sizes.map((follows): HomeFollowsRow => {
      const of = results.filter((r) => r.target === `${fmt(follows)} follows`);
      return {
        follows,
        rps: median(of.map((r) => r.requestsPerSecond)),
        p50: median(of.map((r) => r.p50)),
        p99: median(of.map((r) => r.p99)),
        rebuildMs: rebuildMs.get(follows) ?? Number.NaN,
      };
    });
    const mid = median(rows.map((r) => r.rps));
    const spread = Math.max(...rows.map((r) => Math.abs(r.rps - mid) / mid));
    console.log('\n  follows    req/s   p50 ms   p99 ms   first request + feed rebuild');
    for (const row of rows) {
      console.log(
        `  ${fmt(row.follows).padStart(7)}   ${fmt(row.rps).padStart(6)}   ${fmt(row.p50).padStart(6)}` +
          `   ${fmt(row.p99).padStart(6)}   ${fmt(row.rebuildMs).padStart(6)} ms`,
      );
    }
    console.log(
      `home vs follows: largest deviation from the median ${fmt(100 * spread)} % ` +
        `(target ≤ ${fmt(100 * TARGET_SPREAD)} %) ${spread <= TARGET_SPREAD ? 'PASS' : 'BELOW TARGET'}; ${loadAverage()}`,
    );
    return rows;
  } finally {
    await client.end();
    redis.disconnect();
  }
}

/**
 * Home-feed fan-out (issue 15): one post by a member with 10,000 local followers, each with a home
 * feed, pushed into all their feeds by the workers (the home-feeds job the api enqueues). Measured
 * from the job itself (BullMQ's processedOn → finishedOn: the workers' fan-out time) and end to end
 * (POST sent → job finished); every follower's feed is then checked for the id. Built api +
 * workers on their own Redis prefix; followers inserted with set-based SQL. Target < 1 s.
 */
import { registerApp, registerMember } from '@fediflow/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { join } from 'node:path';
import { median } from './load.ts';
import { profileFileIn, profileLines, summariseProfile } from './profile.ts';
import { freePort } from './processes.ts';
import { type BenchContext, fmt, loadAverage, startBuiltService } from './services.ts';

const TARGET_MS = 1_000;
const TIMEOUT_MS = 60_000;
/** libs/home-feeds: feeds are `home:<account id>`, members 19-digit ids, this one "complete". */
const COMPLETE = '0'.repeat(19);

export interface HomeFanoutOptions {
  followers: number;
  /** Measured posts (one unmeasured warm-up post goes first). */
  posts: number;
  /** Run the workers under `node --cpu-prof` and summarise them over the measured posts. */
  profile?: boolean;
}

async function seedFollowers(
  databaseUrl: string,
  authorId: string,
  followers: number,
): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO accounts (username, display_name)
       SELECT 'reader_' || g, 'Reader ' || g FROM generate_series(1, $1::int) g
       RETURNING id::text AS id`,
      [followers],
    );
    await client.query(
      `INSERT INTO follows (account_id, target_account_id) SELECT unnest($2::bigint[]), $1`,
      [authorId, rows.map((row) => row.id)],
    );
    await client.query('ANALYZE accounts, follows');
    return rows.map((row) => row.id);
  } finally {
    await client.end();
  }
}

export async function homeFanoutBenchmark(
  ctx: BenchContext,
  options: HomeFanoutOptions,
): Promise<{ medianMs: number }> {
  const { info } = ctx;
  const prefix = `${ctx.redisPrefix}-homefanout`;
  ctx.step(`Home-feed fan-out: api + workers, ${fmt(options.followers)} local followers`);
  const apiPort = await freePort();
  const api = await startBuiltService(
    ctx,
    'api',
    {
      PUBLIC_ORIGIN: `http://127.0.0.1:${apiPort}`,
      REDIS_KEY_PREFIX: prefix,
      RATE_LIMIT_ENABLED: 'false',
      REGISTRATIONS_OPEN: 'true',
    },
    { port: apiPort, label: 'api-homefanout' },
  );
  const profileDir = join(ctx.workDir, 'home-fanout-profile');
  const workers = await startBuiltService(
    ctx,
    'workers',
    { PUBLIC_ORIGIN: api.base, REDIS_KEY_PREFIX: prefix },
    {
      label: 'workers-homefanout',
      nodeArgs: options.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    },
  );
  const author = await registerMember(api.base, await registerApp(api.base), 'homefanout_author');
  const redis = new Redis(ctx.redisUrl, { maxRetriesPerRequest: 1 });
  const queueConnection = new Redis(ctx.redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue('home-feeds', { connection: queueConnection, prefix: `${prefix}:bull` });
  try {
    const seeded = performance.now();
    const followers = await seedFollowers(ctx.databaseUrl, author.accountId, options.followers);
    // Every follower has a feed (as members who read their home do); fan-out skips missing ones.
    const feeds = redis.pipeline();
    for (const id of followers) feeds.zadd(`${prefix}:home:${id}`, 0, COMPLETE);
    await feeds.exec();
    info(
      `homefanout_author (account ${author.accountId}): ${fmt(options.followers)} local followers ` +
        `with feeds in ${fmt((performance.now() - seeded) / 1000, 1)} s`,
    );

    const jobMs: number[] = [];
    let measuredFrom = 0;
    for (let n = 0; n <= options.posts; n++) {
      if (n === 1) measuredFrom = performance.now();
      const sent = Date.now();
      const posted = await author.client.post<{ id: string }>('/api/v1/statuses', {
        status: `fan-out ${n}`,
      });
      if (posted.status !== 200) throw new Error(`POST /api/v1/statuses: ${posted.status}`);
      const statusId = posted.body.id;
      const job = await waitForJob(queue, statusId, api.server.tail.bind(api.server));
      const check = redis.pipeline();
      for (const id of followers) check.zscore(`${prefix}:home:${id}`, statusId.padStart(19, '0'));
      const reached = ((await check.exec()) ?? []).filter(([, score]) => score !== null).length;
      const workerMs = job.finishedOn - job.processedOn;
      const line =
        `post ${n}${n === 0 ? ' (warm-up)' : ''}: workers ${fmt(workerMs)} ms, POST → fanned out ` +
        `${fmt(job.finishedOn - sent)} ms, in ${fmt(reached)}/${fmt(followers.length)} feeds`;
      info(line);
      if (reached !== followers.length) throw new Error(`fan-out missed feeds: ${line}`);
      if (n > 0) jobMs.push(workerMs);
    }
    const measuredTo = performance.now();
    const medianMs = median(jobMs);
    console.log(
      `home-feed fan-out to ${fmt(options.followers)} followers: median ${fmt(medianMs)} ms, ` +
        `max ${fmt(Math.max(...jobMs))} ms in the workers (target < ${fmt(TARGET_MS)} ms) ` +
        `${medianMs < TARGET_MS ? 'PASS' : 'BELOW TARGET'}; ${loadAverage()}`,
    );
    if (options.profile) {
      await workers.server.stop();
      const file = profileFileIn(profileDir);
      const summary = summariseProfile(
        file,
        {
          fromMs: measuredFrom - workers.server.startedAt,
          toMs: measuredTo - workers.server.startedAt,
        },
        25,
      );
      ctx.step('Home-feed fan-out: CPU profile of the workers (the measured posts)');
      info(
        `on CPU ${fmt(summary.busyMs / 1000, 1)} s of ${fmt(summary.totalMs / 1000, 1)} s; self time by package:`,
      );
      for (const line of profileLines(summary)) info(line);
      info(`profile: ${file}`);
    }
    return { medianMs };
  } finally {
    await queue.close();
    queueConnection.disconnect();
    redis.disconnect();
  }
}

async function waitForJob(
  queue: Queue,
  statusId: string,
  tail: () => string,
): Promise<{ processedOn: number; finishedOn: number }> {
  const deadline = Date.now() + TIMEOUT_MS;
  while (Date.now() < deadline) {
    for (const job of await queue.getJobs(['completed'], 0, 100)) {
      const data = job.data as { statusId?: string };
      if (job.name === 'status-created' && data.statusId === statusId && job.finishedOn) {
        return { processedOn: job.processedOn ?? job.finishedOn, finishedOn: job.finishedOn };
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`the fan-out job of ${statusId} did not complete\n${tail()}`);
}

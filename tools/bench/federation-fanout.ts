/**
 * Fan-out (issue 4): the time from `POST /api/v1/statuses` to the last shared-inbox delivery
 * acknowledged, for a member whose followers (10,000 by default) are remote accounts spread over
 * loopback hosts (1,000 by default), each host one shared inbox. Built api + workers on their own
 * Redis prefix; the followers are inserted with set-based SQL. See docs/benchmarks.md.
 */
import { registerApp, registerMember } from '@fediflow/testing';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { median } from './load.ts';
import { freePort, type ServerProcess } from './processes.ts';
import { profileFileIn, profileLines, summariseProfile } from './profile.ts';
import { type BenchContext, fmt, startBuiltService } from './services.ts';
import { SharedInboxes } from './shared-inboxes.ts';

/** Issue 12: one post to 10,000 followers on 1,000 hosts, last delivery within 3 s. */
const TARGET_MS = 3_000;
const TIMEOUT_MS = 60_000;

export interface FanoutOptions {
  followers: number;
  hosts: number;
  /** Measured posts (one unmeasured warm-up post goes first). */
  posts: number;
  /** Run the workers under `node --cpu-prof` and summarise them over the measured posts. */
  profile?: boolean;
}

export interface FanoutSummary {
  medianMs: number;
  maxMs: number;
}

interface PostTiming {
  /** Milliseconds from sending the POST: its response, the first and the last acknowledgement. */
  apiMs: number;
  firstMs: number;
  lastMs: number;
  hosts: number;
  deliveries: number;
}

/** `followers` remote accounts round-robin over `hosts`, all following `memberId`. */
async function seedFollowers(
  databaseUrl: string,
  memberId: string,
  hosts: string[],
  followers: number,
): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO accounts (username, domain, display_name, uri, url, inbox_url, shared_inbox_url)
       SELECT 'fan_' || g, h, 'Follower ' || g, 'http://' || h || '/users/fan_' || g,
              'http://' || h || '/@fan_' || g, 'http://' || h || '/users/fan_' || g || '/inbox',
              'http://' || h || '/inbox'
         FROM generate_series(1, $1::int) g,
              LATERAL (SELECT ($2::text[])[1 + g % cardinality($2::text[])] AS h) host`,
      [followers, hosts],
    );
    await client.query(
      `INSERT INTO follows (account_id, target_account_id)
       SELECT id, $1 FROM accounts WHERE username LIKE 'fan\\_%' AND domain IS NOT NULL`,
      [memberId],
    );
    await client.query(
      `UPDATE accounts SET followers_count = (SELECT count(*) FROM follows WHERE target_account_id = $1)
        WHERE id = $1`,
      [memberId],
    );
    await client.query('ANALYZE accounts, follows');
  } finally {
    await client.end();
  }
}

/** CPU time (user + system) a process has used so far, in ms, from /proc (Linux clock ticks). */
function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** This process's CPU time in ms (the receiving shared inboxes run here). */
function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function printProfile(
  ctx: BenchContext,
  dir: string,
  server: ServerProcess,
  window: { from: number; to: number },
) {
  const file = profileFileIn(dir);
  const summary = summariseProfile(
    file,
    { fromMs: window.from - server.startedAt, toMs: window.to - server.startedAt },
    25,
  );
  ctx.step('Fan-out: CPU profile of the workers (the measured posts)');
  ctx.info(
    `on CPU ${fmt(summary.busyMs / 1000, 1)} s of ${fmt(summary.totalMs / 1000, 1)} s; self time by package:`,
  );
  for (const line of profileLines(summary)) ctx.info(line);
  ctx.info(`profile: ${file}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function fanoutBenchmark(
  ctx: BenchContext,
  options: FanoutOptions,
): Promise<FanoutSummary> {
  const { info } = ctx;
  const prefix = `${ctx.redisPrefix}-fanout`;
  const inboxes = await SharedInboxes.start(options.hosts);
  try {
    ctx.step(`Fan-out: api + workers, ${options.hosts} loopback shared inboxes`);
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
      { port: apiPort },
    );
    const profileDir = join(ctx.workDir, 'fanout-profile');
    const workers = await startBuiltService(
      ctx,
      'workers',
      {
        PUBLIC_ORIGIN: api.base,
        REDIS_KEY_PREFIX: prefix,
        FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true',
      },
      {
        label: 'workers',
        nodeArgs: options.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
      },
    );
    const member = await registerMember(api.base, await registerApp(api.base), 'fanout_member');
    const seedStarted = performance.now();
    await seedFollowers(ctx.databaseUrl, member.accountId, inboxes.hosts, options.followers);
    info(
      `fanout_member (account ${member.accountId}): ${fmt(options.followers)} remote followers on ` +
        `${options.hosts} hosts inserted in ${fmt((performance.now() - seedStarted) / 1000, 1)} s`,
    );

    ctx.step(`Fan-out: 1 warm-up post + ${options.posts} measured posts`);
    const timings: PostTiming[] = [];
    let measuredFrom = 0;
    let cpuAtStart = { workers: 0, api: 0, inboxes: 0 };
    for (let n = 0; n <= options.posts; n++) {
      // A random pause, so posts do not always land at the same phase of the queue's polling.
      await sleep(250 + Math.random() * 1_000);
      const sent = performance.now();
      if (n === 1) {
        measuredFrom = sent;
        cpuAtStart = {
          workers: cpuMsOf(workers.server.pid),
          api: cpuMsOf(api.server.pid),
          inboxes: ownCpuMs(),
        };
      }
      const response = await member.client.post<{ id: string; uri: string }>('/api/v1/statuses', {
        status: `Fan-out benchmark post ${n}: hello to ${fmt(options.followers)} followers`,
        visibility: 'public',
      });
      const apiMs = performance.now() - sent;
      if (response.status !== 200)
        throw new Error(
          `POST /api/v1/statuses: ${response.status} ${JSON.stringify(response.body)}`,
        );
      const arrivals = await inboxes.waitForAll(response.body.uri, TIMEOUT_MS);
      const hosts = arrivals?.hosts.size ?? 0;
      if (!arrivals || hosts < options.hosts)
        throw new Error(
          `post ${n}: ${hosts} of ${options.hosts} shared inboxes acknowledged within ${TIMEOUT_MS / 1000} s`,
        );
      const timing: PostTiming = {
        apiMs,
        firstMs: arrivals.first - sent,
        lastMs: arrivals.last - sent,
        hosts,
        deliveries: arrivals.deliveries,
      };
      if (n > 0) timings.push(timing);
      info(
        `${n === 0 ? 'warm-up ' : `post #${n}`}  last ack ${fmt(timing.lastMs).padStart(5)} ms` +
          `   (api answered ${fmt(apiMs)} ms, first ack ${fmt(timing.firstMs)} ms, ` +
          `${fmt((timing.lastMs - timing.firstMs) / Math.max(1, hosts - 1), 1)} ms per further delivery; ` +
          `${timing.deliveries} deliveries to ${hosts} hosts)`,
      );
    }

    const measuredTo = performance.now();
    const wallMs = measuredTo - measuredFrom;
    const busy = (ms: number) => `${fmt(ms / 1000, 1)} s (${fmt((100 * ms) / wallMs)}% of a core)`;
    info(
      `CPU over the ${fmt(wallMs / 1000, 1)} s of measured posts (pauses included): workers ` +
        `${busy(cpuMsOf(workers.server.pid) - cpuAtStart.workers)}, api ` +
        `${busy(cpuMsOf(api.server.pid) - cpuAtStart.api)}, the receiving inboxes (this process) ` +
        `${busy(ownCpuMs() - cpuAtStart.inboxes)}; load average ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')} ` +
        `on ${cpus().length} CPUs`,
    );
    if (options.profile) {
      await workers.server.stop();
      printProfile(ctx, profileDir, workers.server, { from: measuredFrom, to: measuredTo });
    }

    const lasts = timings.map((t) => t.lastMs);
    const summary = { medianMs: median(lasts), maxMs: Math.max(...lasts) };
    const verdict = summary.medianMs < TARGET_MS ? 'PASS' : 'OVER TARGET';
    ctx.step(`Fan-out results (${options.posts} posts)`);
    console.log(
      `fan-out: post → last of ${options.hosts} shared-inbox deliveries (${fmt(options.followers)} followers): ` +
        `median ${fmt(summary.medianMs)} ms, max ${fmt(summary.maxMs)} ms (target < ${fmt(TARGET_MS)} ms) ${verdict}`,
    );
    console.log(
      `  median api response ${fmt(median(timings.map((t) => t.apiMs)))} ms, ` +
        `first ack ${fmt(median(timings.map((t) => t.firstMs)))} ms, ` +
        `first → last ${fmt(median(timings.map((t) => t.lastMs - t.firstMs)))} ms; ` +
        `deliveries per post ${[...new Set(timings.map((t) => t.deliveries))].join('/')}` +
        (inboxes.unexpected > 0 ? `; ${inboxes.unexpected} unexpected requests` : ''),
    );
    return summary;
  } finally {
    await inboxes.close();
  }
}

/**
 * Inbox throughput (issue 4): signed `POST /inbox` requests accepted per second by the built
 * federation service (Fedify verifies the draft-cavage signature, enqueues, answers 202) against
 * a bare node:http server doing the same minimal work by hand (tools/bench/inbox-baseline-server.ts),
 * alternating rounds in the same run, medians and the ratio. See docs/benchmarks.md.
 */
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import type autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { digestOf } from './http-signature.ts';
import { median, runRound, type RoundResult, type Target } from './load.ts';
import { freePort, ServerProcess, waitForStatus } from './processes.ts';
import { profileFileIn, profileLines, summariseProfile } from './profile.ts';
import { RemoteActor, type SignedPost } from './remote-actor.ts';
import { type BenchContext, fmt, startBuiltService } from './services.ts';

const TARGET_RATIO = 0.5;
const DEFECT_RATIO = 0.3;
const INBOX_PATH = '/inbox';

type Name = 'baseline' | 'federation';

export interface InboxSummary {
  ratio: number;
  federationRps: number;
  baselineRps: number;
}

/** One POST through node:http (fetch would not let the signed `host` header through). */
function post(base: string, signed: SignedPost): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${base}${INBOX_PATH}`,
      { method: 'POST', headers: signed.headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on('error', reject);
    req.end(signed.body);
  });
}

/** Requests that walk the pool from where this target left off (ids repeat only after wrapping). */
function poolRequests(pool: SignedPost[], cursor: { next: number }): autocannon.Request[] {
  return [
    {
      method: 'POST',
      path: INBOX_PATH,
      setupRequest: (request) => {
        const signed = pool[cursor.next++ % pool.length] as SignedPost;
        // A copy: autocannon adds Content-Length to the headers object it is given.
        return { ...request, headers: { ...signed.headers }, body: signed.body };
      },
    },
  ];
}

/** Both servers must accept a good signature and refuse a tampered one before we measure. */
async function checkBoth(
  bases: Record<Name, string>,
  good: SignedPost,
  info: (m: string) => void,
): Promise<void> {
  const body = good.body.replace('Benchmark note', 'Forged note');
  const forged: SignedPost = {
    body,
    // The digest matches the new body, so only the signature can catch it.
    headers: { ...good.headers, digest: digestOf(body) },
  };
  for (const name of ['federation', 'baseline'] as const) {
    const accepted = await post(bases[name], good);
    const refused = await post(bases[name], forged);
    if (accepted.status !== 202 || refused.status !== 401)
      throw new Error(
        `${name} inbox: signed POST → ${accepted.status} (want 202) ${accepted.text.slice(0, 200)}; ` +
          `forged → ${refused.status} (want 401)`,
      );
  }
  info('both inboxes accept a signed Create(Note) with 202 and refuse a forged one with 401 ✔');
}

/** Messages waiting in a Redis hash/list whose key matches `pattern` (summed). */
async function countQueued(redisUrl: string, pattern: string, type: 'hash' | 'list') {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let total = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      for (const key of keys)
        total += type === 'hash' ? await redis.hlen(key) : await redis.llen(key);
    } while (cursor !== '0');
    return total;
  } finally {
    redis.disconnect();
  }
}

function roundLine(result: RoundResult<Name>, ratio?: number): string {
  return (
    `  ${`${result.target} #${result.round}`.padEnd(14)} ${fmt(result.requestsPerSecond).padStart(7)} accepted/s` +
    `   p50 ${fmt(result.p50).padStart(4)} ms   p99 ${fmt(result.p99).padStart(4)} ms` +
    `   RSS ${fmt(result.rssEnd / 1024 / 1024).padStart(4)} MiB` +
    (ratio === undefined ? '' : `   round ratio ${ratio.toFixed(2)}`)
  );
}

/** With `profile`, the federation service runs under `node --cpu-prof`; its last round is summarised. */
function printProfile(ctx: BenchContext, server: ServerProcess, round: RoundResult<Name>): void {
  const dir = join(ctx.workDir, 'inbox-profile');
  const file = profileFileIn(dir);
  const summary = summariseProfile(
    file,
    { fromMs: round.measuredFrom - server.startedAt, toMs: round.measuredTo - server.startedAt },
    20,
  );
  ctx.step('Inbox: CPU profile of the federation service (its last measured round)');
  ctx.info(
    `on CPU ${fmt(summary.busyMs / 1000, 1)} s of ${fmt(summary.totalMs / 1000, 1)} s; self time by package:`,
  );
  for (const line of profileLines(summary)) ctx.info(line);
  ctx.info(`profile: ${file}`);
}

export async function inboxBenchmark(
  ctx: BenchContext,
  poolSize: number,
  profile = false,
): Promise<InboxSummary> {
  const { info } = ctx;
  const prefix = `${ctx.redisPrefix}-inbox`;
  const remote = await RemoteActor.start();
  try {
    ctx.step('Inbox: federation service, raw baseline, remote actor');
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const federation = await startBuiltService(
      ctx,
      'federation',
      {
        PUBLIC_ORIGIN: origin,
        REDIS_KEY_PREFIX: prefix,
        FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true',
        RATE_LIMIT_ENABLED: 'false',
      },
      {
        port,
        nodeArgs: profile
          ? ['--cpu-prof', `--cpu-prof-dir=${join(ctx.workDir, 'inbox-profile')}`]
          : [],
      },
    );
    const baselinePort = await freePort();
    const baselineBase = `http://127.0.0.1:${baselinePort}`;
    const baseline = new ServerProcess(
      'inbox-baseline',
      ['--import', 'tsx', join(ctx.root, 'tools/bench/inbox-baseline-server.ts')],
      {
        ...process.env,
        NODE_ENV: 'production',
        PORT: String(baselinePort),
        REDIS_URL: ctx.redisUrl,
        BENCH_REDIS_LIST: `${prefix}-baseline`,
        BENCH_KEY_ID: remote.keyId,
        BENCH_ACTOR_ID: remote.actorId,
        BENCH_PUBLIC_KEY_PEM: remote.publicKeyPem,
      },
      join(ctx.workDir, 'inbox-baseline.log'),
      ctx.pin ? 0 : undefined,
    );
    ctx.servers.push(baseline);
    await waitForStatus(`${baselineBase}/ready`, baseline);
    info(
      `federation ${origin} (Redis prefix ${prefix}), baseline ${baselineBase}, remote ${remote.origin}`,
    );

    // Both get the same bytes: the Host header is the federation's origin, as a remote sends it.
    const started = performance.now();
    const pool = remote.signedPosts(poolSize, INBOX_PATH, new URL(origin).host, (done) =>
      info(`signed ${fmt(done)} / ${fmt(poolSize)}…`),
    );
    const [first] = pool as [SignedPost, ...SignedPost[]];
    info(
      `${fmt(poolSize)} distinct signed Create(Note) activities (${fmt(first.body.length)} bytes each) ` +
        `in ${fmt((performance.now() - started) / 1000, 1)} s`,
    );
    const bases: Record<Name, string> = { federation: origin, baseline: baselineBase };
    await checkBoth(bases, first, info);
    info(`Fedify fetched the remote actor ${remote.actorFetches}× (then its KV cache has the key)`);

    const cursors: Record<Name, { next: number }> = {
      federation: { next: 1 },
      baseline: { next: 1 },
    };
    const targets: Record<Name, Target<Name>> = {
      baseline: {
        name: 'baseline',
        url: `${baselineBase}${INBOX_PATH}`,
        headers: {},
        server: baseline,
        requests: poolRequests(pool, cursors.baseline),
      },
      federation: {
        name: 'federation',
        url: `${origin}${INBOX_PATH}`,
        headers: {},
        server: federation.server,
        requests: poolRequests(pool, cursors.federation),
      },
    };

    ctx.step('Inbox: load');
    const results: RoundResult<Name>[] = [];
    const pairRatios: number[] = [];
    const failures: Record<Name, number> = { federation: 0, baseline: 0 };
    const requests: Record<Name, number> = { federation: 0, baseline: 0 };
    for (let round = 1; round <= ctx.rounds; round++) {
      const order: Name[] =
        round % 2 === 1 ? ['baseline', 'federation'] : ['federation', 'baseline'];
      const inRound: Partial<Record<Name, RoundResult<Name>>> = {};
      for (const name of order) {
        const before = cursors[name].next;
        const result = await runRound(targets[name], round, ctx.load);
        failures[name] += result.failures;
        requests[name] += cursors[name].next - before;
        inRound[name] = result;
        results.push(result);
        const ratio =
          inRound.federation && inRound.baseline
            ? inRound.federation.requestsPerSecond / inRound.baseline.requestsPerSecond
            : undefined;
        if (ratio !== undefined) pairRatios.push(ratio);
        console.log(roundLine(result, ratio));
        // Anything but 202 is an error; a handful (e.g. a connection cut at the end) is noise.
        if (result.failures > Math.max(10, 0.01 * result.requestsPerSecond * ctx.load.duration))
          throw new Error(
            `${name} round ${round}: ${result.failures} requests not accepted (non-202, errors, timeouts)\n` +
              targets[name].server.tail(),
          );
      }
    }

    const summary = (name: Name) => ({
      rps: median(results.filter((r) => r.target === name).map((r) => r.requestsPerSecond)),
      p50: median(results.filter((r) => r.target === name).map((r) => r.p50)),
      p99: median(results.filter((r) => r.target === name).map((r) => r.p99)),
      rssMax: Math.max(...results.filter((r) => r.target === name).map((r) => r.rssMax)),
    });
    const f = summary('federation');
    const b = summary('baseline');
    const ratio = f.rps / b.rps;

    // Everything accepted was queued: Fedify's queue (a hash of bodies) and the baseline's list.
    const [fedQueued, baselineQueued] = await Promise.all([
      countQueued(ctx.redisUrl, `${prefix}:*:bodies`, 'hash'),
      countQueued(ctx.redisUrl, `${prefix}-baseline`, 'list'),
    ]);

    ctx.step(
      `Inbox results (medians of ${ctx.rounds} rounds × ${ctx.load.duration} s, ${ctx.load.connections} connections)`,
    );
    console.log(
      '  endpoint     accepted/s   p50 ms   p99 ms   RSS max   queued   distinct ids sent',
    );
    for (const [name, s, queued] of [
      ['baseline', b, baselineQueued],
      ['federation', f, fedQueued],
    ] as const) {
      const sent = requests[name] + 1;
      console.log(
        `  ${name.padEnd(11)} ${fmt(s.rps).padStart(10)}   ${fmt(s.p50).padStart(6)}   ${fmt(s.p99).padStart(6)}` +
          `   ${`${fmt(s.rssMax / 1024 / 1024)} MiB`.padStart(7)}   ${fmt(queued).padStart(6)}` +
          `   ${fmt(Math.min(sent, poolSize))} of ${fmt(sent)}${sent > poolSize ? ' (pool wrapped)' : ''}`,
      );
    }
    const verdict =
      ratio >= TARGET_RATIO ? 'PASS' : ratio >= DEFECT_RATIO ? 'BELOW TARGET' : 'DEFECT (< 0.3)';
    console.log('');
    console.log(
      `inbox: ${fmt(f.rps)} accepted/s vs baseline ${fmt(b.rps)} accepted/s → ratio ${ratio.toFixed(2)} ` +
        `(target ≥ ${TARGET_RATIO}) ${verdict}`,
    );
    console.log(
      `  per-round ratios ${pairRatios.map((r) => r.toFixed(2)).join(', ')} (median ${median(pairRatios).toFixed(2)}); ` +
        `p99 federation ${fmt(f.p99)} ms vs baseline ${fmt(b.p99)} ms; ` +
        `not accepted: federation ${failures.federation}, baseline ${failures.baseline}`,
    );
    await Promise.all([federation.server.stop(), baseline.stop()]);
    if (profile) {
      const last = results.filter((r) => r.target === 'federation').at(-1);
      if (last) printProfile(ctx, federation.server, last);
    }
    return { ratio, federationRps: f.rps, baselineRps: b.rps };
  } finally {
    await remote.close();
  }
}

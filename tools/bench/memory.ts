/**
 * Memory (issue 15): the api's RSS idle and under mixed read + write load at 50 connections (home
 * and public timeline pages, `POST /api/v1/statuses`), with the V8 heap figures from its /metrics
 * port (prom-client's default metrics). Measured in the same run for the api as the image runs it
 * (the Dockerfile's NODE_OPTIONS) and as bare `node main.js` (V8's defaults), so the figures show
 * what the image's heap caps buy and what they cost in throughput. See docs/benchmarks.md.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { registerApp, registerMember } from '@fediflow/testing';
import { runRound, type LoadOptions } from './load.ts';
import { freePort } from './processes.ts';
import { type BenchContext, fmt, runtimeNodeOptions, startBuiltService } from './services.ts';

/** Issue 15: below the HPA's memory target (80 % of the 256 Mi request). */
export const RSS_IDLE_TARGET = 130 * 1024 * 1024;
export const RSS_LOAD_TARGET = 200 * 1024 * 1024;
const CONNECTIONS = 50;
/** Quiet seconds before "idle" is read, and again after the load. */
const SETTLE_SECONDS = 5;
const MAX_FAILURE_SHARE = 0.01;

/** The prom-client default metrics read here (bytes). */
const GAUGES = {
  rss: 'process_resident_memory_bytes',
  heapUsed: 'nodejs_heap_size_used_bytes',
  heapTotal: 'nodejs_heap_size_total_bytes',
  external: 'nodejs_external_memory_bytes',
} as const;
export type MemoryGauges = Record<keyof typeof GAUGES, number>;

/** The memory gauges of a Prometheus text exposition (labels ignored); a missing one is NaN. */
export function parseMemoryGauges(exposition: string): MemoryGauges {
  const value = (name: string) => {
    const line = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, 'm').exec(exposition)?.[1];
    return line === undefined ? Number.NaN : Number(line);
  };
  return {
    rss: value(GAUGES.rss),
    heapUsed: value(GAUGES.heapUsed),
    heapTotal: value(GAUGES.heapTotal),
    external: value(GAUGES.external),
  };
}

const maxOf = (a: MemoryGauges, b: MemoryGauges): MemoryGauges => ({
  rss: Math.max(a.rss, b.rss),
  heapUsed: Math.max(a.heapUsed, b.heapUsed),
  heapTotal: Math.max(a.heapTotal, b.heapTotal),
  external: Math.max(a.external, b.external),
});

async function scrape(metricsBase: string): Promise<MemoryGauges> {
  const response = await fetch(`${metricsBase}/metrics`);
  if (!response.ok) throw new Error(`GET ${metricsBase}/metrics: HTTP ${response.status}`);
  return parseMemoryGauges(await response.text());
}

interface Variant {
  label: string;
  nodeOptions: string;
}

export interface MemoryResult {
  label: string;
  nodeOptions: string;
  idleRss: number;
  loadRssMax: number;
  afterRss: number;
  /** Maxima over the load of the /metrics gauges, sampled once a second. */
  gaugesMax: MemoryGauges;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** Non-2xx responses, errors and timeouts (at most 1 % of the requests). */
  failures: number;
}

const mib = (bytes: number) => `${fmt(bytes / 1024 / 1024)} MiB`;

/** Home, public, home, post: a quarter writes. Every request carries the member's token. */
function mixedRequests() {
  const post = (n: number) => ({
    method: 'POST' as const,
    path: '/api/v1/statuses',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ status: `Memory benchmark post #${n} #fediflow`, visibility: 'public' }),
  });
  return [
    { method: 'GET' as const, path: '/api/v1/timelines/home' },
    { method: 'GET' as const, path: '/api/v1/timelines/public' },
    { method: 'GET' as const, path: '/api/v1/timelines/home?limit=40' },
    post(1),
  ];
}

async function measure(
  ctx: BenchContext,
  variant: Variant,
  load: LoadOptions,
  nodeArgs: string[],
): Promise<MemoryResult> {
  const [port, metricsPort] = [await freePort(), await freePort()];
  const base = `http://127.0.0.1:${port}`;
  const metricsBase = `http://127.0.0.1:${metricsPort}`;
  const api = await startBuiltService(
    ctx,
    'api',
    {
      NODE_OPTIONS: variant.nodeOptions,
      PUBLIC_ORIGIN: base,
      METRICS_PORT: String(metricsPort),
      REDIS_KEY_PREFIX: `${ctx.redisPrefix}-memory`,
      RATE_LIMIT_ENABLED: 'false',
      REGISTRATIONS_OPEN: 'true',
    },
    { port, label: `api-memory-${variant.label}`, nodeArgs },
  );
  try {
    await sleep(SETTLE_SECONDS * 1000);
    const idleRss = api.server.rss() ?? 0;
    const member = await registerMember(
      base,
      await registerApp(base),
      `memory_${variant.label.replace(/\W/g, '_')}`,
    );
    const token = member.client.token ?? '';
    // A full first page on both timelines before the load starts.
    for (let n = 0; n < 40; n++)
      await member.client.post('/api/v1/statuses', { status: `Seed post ${n}` });

    let gaugesMax = await scrape(metricsBase);
    const sampler = setInterval(() => {
      scrape(metricsBase).then(
        (gauges) => (gaugesMax = maxOf(gaugesMax, gauges)),
        () => undefined,
      );
    }, 1_000);
    const result = await runRound(
      {
        name: variant.label,
        url: base,
        headers: { authorization: `Bearer ${token}` },
        server: api.server,
        requests: mixedRequests(),
      },
      1,
      { ...load, connections: CONNECTIONS },
    ).finally(() => clearInterval(sampler));
    // The shared database may time out the odd statement (a fast 503, by design); more than 1 %
    // means the figures describe something other than the mixed load.
    const requests = result.requestsPerSecond * load.duration;
    if (result.failures > MAX_FAILURE_SHARE * requests)
      throw new Error(
        `memory ${variant.label}: ${result.failures} of ≈ ${fmt(requests)} requests failed\n${api.server.tail()}`,
      );
    await sleep(SETTLE_SECONDS * 1000);
    return {
      label: variant.label,
      nodeOptions: variant.nodeOptions,
      idleRss,
      loadRssMax: result.rssMax,
      afterRss: api.server.rss() ?? 0,
      gaugesMax,
      requestsPerSecond: result.requestsPerSecond,
      p50: result.p50,
      p99: result.p99,
      failures: result.failures,
    };
  } finally {
    await api.server.stop();
  }
}

/**
 * Both variants, image first; `nodeArgs` (from --api-node-args) go to both, to try a flag. Each
 * starts a fresh api with its own member, who posts 40 statuses before the load.
 */
export async function memoryBenchmark(
  ctx: BenchContext,
  load: LoadOptions,
  nodeArgs: string[],
): Promise<MemoryResult[]> {
  const variants: Variant[] = [
    { label: 'image', nodeOptions: runtimeNodeOptions(ctx.root) },
    { label: 'v8-defaults', nodeOptions: '' },
  ];
  ctx.step(
    `Memory: api RSS idle and under mixed load (${CONNECTIONS} connections: home + public timelines, ` +
      `POST /api/v1/statuses; ${load.warmup} s + ${load.duration} s)`,
  );
  const results: MemoryResult[] = [];
  for (const variant of variants) {
    const result = await measure(ctx, variant, load, nodeArgs);
    results.push(result);
    ctx.info(
      `${result.label.padEnd(12)} idle ${mib(result.idleRss).padStart(8)}   load max ${mib(result.loadRssMax).padStart(8)}` +
        `   ${SETTLE_SECONDS} s after ${mib(result.afterRss).padStart(8)}   heap used/total max ` +
        `${mib(result.gaugesMax.heapUsed)} / ${mib(result.gaugesMax.heapTotal)}   external max ` +
        `${mib(result.gaugesMax.external)}   ${fmt(result.requestsPerSecond)} req/s ` +
        `(p50 ${fmt(result.p50)} ms, p99 ${fmt(result.p99)} ms, ${result.failures} failed)   NODE_OPTIONS="${result.nodeOptions}"`,
    );
  }
  const image = results[0];
  if (image) {
    const verdict = (value: number, target: number) => (value < target ? 'PASS' : 'OVER TARGET');
    console.log(
      `\napi memory as the image runs it: RSS idle ${mib(image.idleRss)} (target < ${mib(RSS_IDLE_TARGET)}) ` +
        `${verdict(image.idleRss, RSS_IDLE_TARGET)}; under mixed load max ${mib(image.loadRssMax)} ` +
        `(target < ${mib(RSS_LOAD_TARGET)}) ${verdict(image.loadRssMax, RSS_LOAD_TARGET)}`,
    );
  }
  return results;
}

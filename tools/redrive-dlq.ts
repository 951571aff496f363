/**
 * `npm run lambda:dlq -- <list|redrive> --dlq <url> [--to <url>] [--max n] [--dry-run] [--json]`:
 * the activityProcessor's dead letters — inbound activities that failed maxReceiveCount times.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { parseArgs } from 'node:util';
import {
  countDeadLetters,
  describeDeadLetter,
  eachDeadLetterBatch,
  sendBack,
  type DeadLetter,
} from './lambda/dead-letters.ts';

export const USAGE = `Usage: npm run lambda:dlq -- <list|redrive> --dlq <queue-url> [options]

  list      show the dead letters (activity type, id, actor, receives); leaves them in place
  redrive   send them back to the activity-processor queue (--to), then delete them here

Options:
  --dlq <url>       the dead-letter queue (terraform output of modules/queue: dlq_url)
  --to <url>        redrive target: the activity-processor queue (queue_url); required for redrive
  --max <n>         handle at most n messages (default 1000)
  --dry-run         redrive: show what would be sent, change nothing
  --json            one JSON object per line instead of a table
  --endpoint <url>  an SQS-compatible endpoint (local emulators); AWS's by default
  -h, --help        this text

AWS credentials and region come from the usual chain (AWS_PROFILE, AWS_REGION, …).
Exit codes: 0 done, 1 an SQS request failed or a message could not be sent, 2 bad usage.`;

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** Tests hand in a client for their SQS server. */
  client?: SQSClient;
}

class UsageError extends Error {}

function options(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      dlq: { type: 'string' },
      to: { type: 'string' },
      max: { type: 'string', default: '1000' },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      endpoint: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...extra] = positionals;
  if (values.help) return { help: true as const };
  if (command !== 'list' && command !== 'redrive')
    throw new UsageError(`expected list or redrive, got ${command ?? 'nothing'}`);
  if (extra.length > 0) throw new UsageError(`unexpected ${extra.join(' ')}`);
  if (!values.dlq) throw new UsageError('--dlq is required');
  if (command === 'redrive' && !values.to) throw new UsageError('redrive needs --to');
  const max = Number(values.max);
  if (!Number.isInteger(max) || max < 1) throw new UsageError('--max must be a positive integer');
  return {
    help: false as const,
    command,
    dlq: values.dlq,
    to: values.to,
    max,
    dryRun: values['dry-run'],
    json: values.json,
    endpoint: values.endpoint,
  };
}

function line(letter: DeadLetter): string {
  return `${letter.messageId}  ${String(letter.receiveCount).padStart(3)}×  ${letter.sentAt}  ${letter.activityType.padEnd(8)}  ${letter.activityId}  (${letter.actor})`;
}

export async function runDlqCli(args: string[], io: CliIo): Promise<number> {
  let opts: ReturnType<typeof options>;
  try {
    opts = options(args);
  } catch (error) {
    io.err(`✖ ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (opts.help) {
    io.out(USAGE);
    return 0;
  }
  const client = io.client ?? new SQSClient(opts.endpoint ? { endpoint: opts.endpoint } : {});
  const queue = { client, url: opts.dlq };
  const show = (letter: DeadLetter, action?: string) =>
    io.out(
      opts.json
        ? JSON.stringify({ ...letter, ...(action ? { action } : {}) })
        : `${action ? `${action}  ` : ''}${line(letter)}`,
    );
  try {
    if (!opts.json) io.out(`${await countDeadLetters(queue)} dead letters in ${opts.dlq}`);
    let failed = 0;
    let moved = 0;
    const seen = await eachDeadLetterBatch(queue, opts.max, async (batch) => {
      if (opts.command === 'list' || opts.dryRun) {
        for (const message of batch)
          show(describeDeadLetter(message), opts.dryRun ? 'would redrive' : undefined);
        return [];
      }
      const sent = await sendBack(client, opts.to ?? '', batch);
      for (const message of batch)
        show(describeDeadLetter(message), sent.includes(message) ? 'redriven' : 'NOT SENT');
      failed += batch.length - sent.length;
      moved += sent.length;
      return sent;
    });
    if (!opts.json) {
      io.out(
        opts.command === 'list' || opts.dryRun
          ? `${seen} listed${opts.dryRun ? ' (dry run: nothing changed)' : ''}`
          : `${moved} redriven to ${opts.to}${failed > 0 ? `, ${failed} not sent (left in the dead-letter queue)` : ''}`,
      );
    }
    return failed > 0 ? 1 : 0;
  } catch (error) {
    io.err(`✖ ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    if (!io.client) client.destroy();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const code = await runDlqCli(process.argv.slice(2), {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
  });
  process.exit(code);
}

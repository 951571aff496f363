/**
 * Operator tool for cross-cloud PostgreSQL replication (tools/replication/logical-replication.ts):
 * set up publication/subscription, report lag, cut over to the secondary.
 */
import { parseArgs } from 'node:util';
import {
  DEFAULT_NAME,
  ReplicationError,
  cutOver,
  promote,
  setUp,
  status,
  type Endpoints,
} from './replication/logical-replication.ts';

const HELP = `Usage: npx tsx tools/replicate-database.ts <setup|status|cutover> --primary <url> --subscriber <url> [options]
       npx tsx tools/replicate-database.ts promote --subscriber <url> [--name <name>]

Logical replication of FediFlow's database from the primary cloud's PostgreSQL (AWS RDS) to the
secondary's (Azure Flexible Server, Cloud SQL). docs/infrastructure.md, "Cross-cloud replication".

Commands:
  setup     publish every table on the primary, subscribe the secondary, wait for the initial copy
            (the secondary's schema must exist: run the migrations there first)
  status    lag of the subscriber in bytes of WAL and the primary's measured replay lag
  cutover   make the primary read-only, wait until the secondary has applied everything, copy
            sequence positions, compare row counts, drop the subscription (planned failover)
  promote   the primary is lost: detach the subscription without it and move sequences past the
            replicated rows (unplanned failover; loses what had not replicated yet)

Options:
  --primary <url>     primary database URL, as the secondary's server reaches it (sslmode=require in clouds)
  --subscriber <url>  secondary database URL
  --name <name>       publication / subscription / slot name (default ${DEFAULT_NAME})
  --timeout <ms>      cutover: longest wait for the secondary to catch up (default 60000)
  --dry-run           cutover: say what would happen and change nothing
  --help              show this help

Exit codes: 0 done, 1 replication refused or failed (reason printed), 2 bad usage.`;

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        primary: { type: 'string' },
        subscriber: { type: 'string' },
        name: { type: 'string' },
        timeout: { type: 'string' },
        'dry-run': { type: 'boolean' },
      },
      strict: true,
    });
  } catch (error) {
    console.error(`replicate-database: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const command = positionals[0];
  if (
    !command ||
    !['setup', 'status', 'cutover', 'promote'].includes(command) ||
    positionals.length > 1
  ) {
    console.error(
      `replicate-database: expected one command: setup, status, cutover or promote\n\n${HELP}`,
    );
    return 2;
  }
  const progress = (line: string) => console.log(`  ${line}`);
  if (command === 'promote') {
    if (!values.subscriber) {
      console.error('replicate-database: --subscriber is required');
      return 2;
    }
    try {
      await promote(values.subscriber, { name: values.name }, progress);
      return 0;
    } catch (error) {
      const code = error instanceof ReplicationError ? `${error.code}: ` : '';
      console.error(`replicate-database: ${code}${(error as Error).message}`);
      return 1;
    }
  }
  if (!values.primary || !values.subscriber) {
    console.error('replicate-database: --primary and --subscriber are required');
    return 2;
  }
  const timeoutMs = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeoutMs !== undefined && !(Number.isInteger(timeoutMs) && timeoutMs > 0)) {
    console.error('replicate-database: --timeout must be a positive number of milliseconds');
    return 2;
  }
  const endpoints: Endpoints = {
    primaryUrl: values.primary,
    subscriberUrl: values.subscriber,
    name: values.name,
  };
  try {
    if (command === 'setup') await setUp(endpoints, progress);
    else if (command === 'status') {
      const current = await status(endpoints);
      console.log(
        `${current.streaming ? 'streaming' : 'NOT streaming'}: ${current.lagBytes} bytes behind, replay lag ${current.replayLagMs === undefined ? 'n/a (idle)' : `${current.replayLagMs.toFixed(0)} ms`}`,
      );
      return current.streaming ? 0 : 1;
    } else {
      const report = await cutOver(endpoints, { timeoutMs, dryRun: values['dry-run'] }, progress);
      if (report)
        console.log(
          `cut over at ${report.finalLsn} in ${report.catchUpMs} ms; rows: ${Object.entries(
            report.rows,
          )
            .map(([table, n]) => `${table}=${n}`)
            .join(', ')}`,
        );
    }
    return 0;
  } catch (error) {
    if (error instanceof ReplicationError) {
      console.error(`replicate-database: ${error.code}: ${error.message}`);
      return 1;
    }
    console.error(`replicate-database: ${(error as Error).message}`);
    return 1;
  }
}

process.exitCode = await main();

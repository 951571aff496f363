/**
 * `npm run dr:drill -- <scenario>`: disaster-recovery drills against private PostgreSQL and Redis
 * servers with FediFlow's built services under write load. Prints progress and the measured
 * figures, writes a Markdown and a JSON report, and exits 1 when a target or an integrity check
 * fails (2 on bad usage). See docs/infrastructure.md, "Disaster recovery".
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { progress, teardownAll } from './dr/environment.ts';
import { renderMarkdown, writeReport, type DrillReport } from './dr/report.ts';
import { backupVerifyDrill } from './dr/scenarios/backup-verify.ts';
import { failoverDrill } from './dr/scenarios/failover.ts';
import { pitrDrill } from './dr/scenarios/pitr.ts';
import { redisLossDrill } from './dr/scenarios/redis-loss.ts';

const SCENARIOS = ['failover', 'pitr', 'redis-loss', 'backup-verify'] as const;
type Scenario = (typeof SCENARIOS)[number];

const USAGE = `Usage: npm run dr:drill -- <scenario> [options]

Scenarios (each starts its own PostgreSQL 15 primary with WAL archiving, a redis-server, and the
built api, federation and workers under a steady write load; every acknowledged write is logged):
  failover       SIGKILL the primary, promote the streaming standby, move the database endpoint;
                 RTO (first failed → first acknowledged write) and RPO (acknowledged writes lost)
  pitr           DELETE FROM statuses by mistake; restore base backup + WAL to just before it into
                 a new cluster; integrity checks; restore time
  redis-loss     kill the services' Redis mid-load and restart it empty; what is rebuilt, what is
                 retried, which acknowledged posts lost their delivery
  backup-verify  the scheduled check: restore the latest base backup + WAL into a scratch cluster,
                 pg_verifybackup, integrity checks; Prometheus metrics for the alert

Options:
  --seconds <n>        seconds of load before and after the fault      (default 20)
  --members <n>        members registered and writing                  (default 8)
  --writers <n>        concurrent API writers                          (default 4)
  --sync               failover: synchronous replication (RPO 0); default asynchronous
  --filler-scale <n>   pitr/backup-verify: pgbench -i -s <n> filler first (68 ≈ 1 GB)  (default 0)
  --probe-interval <ms>  failover: controller probe interval          (default 1000)
  --probe-failures <n>   failover: failed probes before promoting     (default 3)
  --out <dir>          report directory; the services' logs go to <dir>/<scenario>-logs/
                                                                       (default dr-reports)
  --keep               keep the temporary directory (clusters, logs)
  -h, --help           show this help

Exit codes: 0 all targets met and no integrity findings, 1 a target missed or a finding, 2 usage.
Needs PostgreSQL's server binaries (the newest /usr/lib/postgresql/<major>/bin, or PG_BIN) and
redis-server; runs PostgreSQL as the postgres user when started as root.`;

function usage(message: string): never {
  console.error(`✖ ${message}\n\n${USAGE}`);
  process.exit(2);
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    seconds: { type: 'string', default: '20' },
    members: { type: 'string', default: '8' },
    writers: { type: 'string', default: '4' },
    sync: { type: 'boolean', default: false },
    'filler-scale': { type: 'string', default: '0' },
    'probe-interval': { type: 'string', default: '1000' },
    'probe-failures': { type: 'string', default: '3' },
    out: { type: 'string', default: 'dr-reports' },
    keep: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const named = positionals[0];
if (!named) usage('name a scenario');
if (!(SCENARIOS as readonly string[]).includes(named)) usage(`unknown scenario "${named}"`);
const scenario = named as Scenario;
if (positionals.length > 1) usage(`one scenario at a time (got ${positionals.join(', ')})`);

function whole(name: string, raw: string, min: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) usage(`--${name} must be a whole number ≥ ${min}`);
  return value;
}
const common = {
  loadSeconds: whole('seconds', values.seconds, 1),
  members: whole('members', values.members, 2),
  writers: whole('writers', values.writers, 1),
  keep: values.keep,
  logDir: join(values.out, `${scenario}-logs`),
  progress: progress(),
};
const fillerScale = whole('filler-scale', values['filler-scale'], 0);

function run(): Promise<DrillReport> {
  switch (scenario) {
    case 'failover':
      return failoverDrill({
        ...common,
        replication: values.sync ? 'sync' : 'async',
        probeIntervalMs: whole('probe-interval', values['probe-interval'], 100),
        probeFailures: whole('probe-failures', values['probe-failures'], 1),
      });
    case 'pitr':
      return pitrDrill({ ...common, fillerScale });
    case 'redis-loss':
      return redisLossDrill(common);
    case 'backup-verify':
      return backupVerifyDrill({ ...common, fillerScale });
  }
}

// Interrupted: stop the clusters, Redis and services this drill started, then exit.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n✖ ${signal}: stopping the drill's servers`);
    void teardownAll().finally(() => process.exit(130));
  });
}

try {
  const report = await run();
  mkdirSync(values.out, { recursive: true });
  const paths = await writeReport(report, values.out);
  console.log(`\n${renderMarkdown(report).split('## Timeline')[0]?.trimEnd()}`);
  console.log(`\nReport: ${paths.markdown}, ${paths.json}; service logs in ${common.logDir}/`);
  process.exit(report.passed ? 0 : 1);
} catch (error) {
  console.error(
    `✖ drill aborted: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  process.exit(1);
}

/**
 * `npm run dr:aws -- <command>`: the AWS counterparts of the DR drills, for operators.
 * `promote` (regional failover) and `restore` (RDS point-in-time restore into a new instance)
 * print every AWS call with --dry-run and run them with the `aws` CLI otherwise; `verify` runs
 * the drills' integrity checks against any database (e.g. the restored instance).
 * See docs/infrastructure.md, "Disaster recovery".
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import path from 'node:path';
import {
  checkReplicatedMedia,
  describeStep,
  overlayMediaBaseUrl,
  promotePlan,
  restorePlan,
  type Step,
} from './dr/aws-plan.ts';
import { checkIntegrity } from './dr/integrity.ts';

const USAGE = `Usage: npm run dr:aws -- <command> [options]

Commands:
  promote   regional failover: promote the replica fediflow-dr, scale node group
            fediflow-dr-default, load one object of the replica media bucket
            fediflow-dr-media-<dr-region> through the DR distribution, then GET
            https://<host>/ready until 200
            --region <dr-region> --host <public host> [--nodes <n> (default 3)]
            [--media-url <base> (default: MEDIA_PUBLIC_BASE_URL of deploy/overlays/production-dr)]
  restore   point-in-time restore of fediflow-production into a new instance
            --region <region> --time <ISO 8601 UTC, just before the mistake>
            --subnet-group <name> --security-group <id> (repeatable) [--instance-class db.m7g.large]
  verify    the drills' integrity checks (foreign keys, counters vs COUNT(*), pg_amcheck)
            --database-url <postgres://…>
Options:
  --dry-run   print every AWS call instead of running it (promote, restore)
  -h, --help  show this help
Exit codes: 0 done (or planned), 1 a step or check failed, 2 usage.`;

function usage(message: string): never {
  console.error(`✖ ${message}\n\n${USAGE}`);
  process.exit(2);
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    region: { type: 'string' },
    host: { type: 'string' },
    nodes: { type: 'string', default: '3' },
    time: { type: 'string' },
    'subnet-group': { type: 'string' },
    'security-group': { type: 'string', multiple: true, default: [] },
    'instance-class': { type: 'string', default: 'db.m7g.large' },
    'database-url': { type: 'string' },
    'media-url': { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

function required(name: keyof typeof values): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') usage(`--${name} is required`);
  return value;
}

function runAws(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('aws', args, { stdio: 'inherit' });
    child.on('error', (error) =>
      reject(new Error(`cannot run the aws CLI (${error.message}); install it or use --dry-run`)),
    );
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`aws exited ${code}`))));
  });
}

function captureAws(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('aws', args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) =>
      reject(new Error(`cannot run the aws CLI (${error.message}); install it or use --dry-run`)),
    );
    child.on('close', (code) =>
      code === 0 ? resolve(output.trim()) : reject(new Error(`aws exited ${code}`)),
    );
  });
}

async function waitReady(url: string, timeoutMs = 15 * 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 5_000));
  }
  throw new Error(`${url} not ready after ${timeoutMs / 60_000} min (${last})`);
}

async function execute(steps: Step[]): Promise<void> {
  for (const [index, step] of steps.entries()) {
    console.log(`[${index + 1}/${steps.length}] ${step.why}\n      ${describeStep(step)}`);
    if (values['dry-run']) continue;
    const started = Date.now();
    if (step.kind === 'aws') await runAws(step.args);
    else if (step.kind === 'media') await checkReplicatedMedia(step, captureAws);
    else await waitReady(step.url);
    console.log(`      done in ${Math.round((Date.now() - started) / 1000)} s`);
  }
  if (values['dry-run']) console.log('\n(dry run: nothing was called)');
}

const command = positionals[0];
try {
  switch (command) {
    case 'promote': {
      const nodes = Number(values.nodes);
      if (!Number.isInteger(nodes) || nodes < 1 || nodes > 10) usage('--nodes must be 1 … 10');
      const mediaBaseUrl =
        values['media-url'] ??
        (await overlayMediaBaseUrl(path.join(import.meta.dirname, '..'), 'production-dr'));
      await execute(
        promotePlan({
          region: required('region'),
          host: required('host'),
          desiredNodes: nodes,
          mediaBaseUrl,
        }),
      );
      break;
    }
    case 'restore': {
      const time = new Date(required('time'));
      if (Number.isNaN(time.getTime())) usage('--time must be an ISO 8601 time');
      if (values['security-group'].length === 0) usage('--security-group is required');
      const plan = restorePlan({
        region: required('region'),
        restoreTime: time,
        subnetGroup: required('subnet-group'),
        securityGroupIds: values['security-group'],
        instanceClass: values['instance-class'],
      });
      console.log(`Restoring into ${plan.target}`);
      await execute(plan.steps);
      break;
    }
    case 'verify': {
      const databaseUrl = required('database-url');
      const result = await checkIntegrity({
        databaseUrl,
        expected: [],
      });
      for (const check of result.checks) console.log(`✔ ${check}`);
      for (const finding of result.findings) console.log(`✖ ${finding.check}: ${finding.detail}`);
      console.log(
        `${result.findings.length} findings in ${Math.round(result.durationMs / 1000)} s`,
      );
      process.exit(result.findings.length === 0 ? 0 : 1);
      break;
    }
    default:
      usage(command ? `unknown command "${command}"` : 'name a command');
  }
} catch (error) {
  console.error(`✖ ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

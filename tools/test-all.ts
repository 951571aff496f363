/**
 * `npm test`: lint, type-check and build every project, then run every Vitest suite (unit,
 * integration, e2e, deployment and Terraform checks) in one run, and close with one summary line.
 *
 * Integration and e2e suites need PostgreSQL and Redis: TEST_DATABASE_URL / TEST_REDIS_URL when
 * set; otherwise the servers at their default local addresses when both answer; otherwise
 * Testcontainers (which needs a Docker engine).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { answers, LOCAL_DATABASE_SERVER_URL, LOCAL_REDIS_URL } from './local/local-servers.ts';

const USAGE = `Usage: npm test [-- --skip-static] [-- <vitest filters>]

Runs lint, typecheck and build (nx run-many), then every Vitest suite in one run.
  --skip-static   skip lint/typecheck/build (the e2e suite still needs a build in dist/)
  -h, --help      show this help

Environment: TEST_DATABASE_URL, TEST_REDIS_URL (servers for integration and e2e suites).`;

const { values, positionals } = parseArgs({
  options: { 'skip-static': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  allowPositionals: true,
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', env });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

function phase(title: string): () => string {
  const started = Date.now();
  console.log(`\n▶ ${title}`);
  return () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
}

async function testServersEnv(): Promise<NodeJS.ProcessEnv> {
  if (process.env['TEST_DATABASE_URL'] && process.env['TEST_REDIS_URL']) {
    console.log('Test servers: TEST_DATABASE_URL / TEST_REDIS_URL');
    return process.env;
  }
  if ((await answers(LOCAL_DATABASE_SERVER_URL)) && (await answers(LOCAL_REDIS_URL))) {
    console.log(
      `Test servers: local PostgreSQL (${LOCAL_DATABASE_SERVER_URL}) and Redis (${LOCAL_REDIS_URL})`,
    );
    return {
      ...process.env,
      TEST_DATABASE_URL: LOCAL_DATABASE_SERVER_URL,
      TEST_REDIS_URL: LOCAL_REDIS_URL,
    };
  }
  console.log('Test servers: none configured or local; integration suites will try Testcontainers');
  return process.env;
}

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numFailedTestSuites: number;
}

const results: string[] = [];
let failed = false;
const nxEnv = { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false' };

if (!values['skip-static']) {
  const elapsed = phase('Lint, type-check and build every project (nx run-many)');
  const code = await run(
    'nx',
    ['run-many', '-t', 'lint', 'typecheck', 'build', '--outputStyle=static'],
    nxEnv,
  );
  results.push(`static checks and build: ${code === 0 ? 'ok' : 'FAILED'} (${elapsed()})`);
  failed ||= code !== 0;

  const formatElapsed = phase('Formatting (prettier --check)');
  const formatCode = await run('prettier', ['--check', '--log-level', 'warn', '.']);
  results.push(
    `formatting: ${formatCode === 0 ? 'ok' : 'FAILED (npm run format)'} (${formatElapsed()})`,
  );
  failed ||= formatCode !== 0;
}

const elapsed = phase('Unit, integration, e2e and deployment suites (vitest)');
const reportFile = join(mkdtempSync(join(tmpdir(), 'fediflow-test-')), 'vitest.json');
const vitestCode = await run(
  'vitest',
  [
    'run',
    '--config',
    'vitest.all.config.mts',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${reportFile}`,
    ...positionals,
  ],
  await testServersEnv(),
);
let summary = 'tests: 0 passed, 1 failed (no Vitest report was written)';
try {
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as VitestJson;
  const skipped = report.numPendingTests + report.numTodoTests;
  // A suite that fails to load has no failed tests; count it so the line cannot read clean.
  const failures =
    report.numFailedTests + (report.numFailedTests === 0 ? report.numFailedTestSuites : 0);
  summary = `tests: ${report.numPassedTests} passed, ${failures} failed${skipped ? `, ${skipped} skipped` : ''}`;
} catch {
  // keep the pessimistic summary
}
results.push(`vitest: ${vitestCode === 0 ? 'ok' : 'FAILED'} (${elapsed()})`);
failed ||= vitestCode !== 0;

console.log('\nSummary');
for (const line of results) console.log(`  ${line}`);
console.log(summary);
process.exit(failed ? 1 : 0);

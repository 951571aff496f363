/**
 * `nx run workers:package-lambda` (or `tsx tools/lambda/package-lambda.ts [--json]`): one zip per
 * serverless worker under dist/lambda/, and a build report (sizes, the heaviest packages).
 * Exits 1 when a zip passes its 10 MB budget or a bundle pulls in Nest's HTTP stack.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { bundle } from './bundle';
import { LAMBDA_DIST, LAMBDA_FUNCTIONS, ZIP_BUDGET_BYTES } from './functions';
import { forbiddenPackages, heaviestPackages } from './bundle-report';
import { zip } from './zip';

const HELP = `Usage: tsx tools/lambda/package-lambda.ts [--json]

Bundles each serverless worker (${LAMBDA_FUNCTIONS.map((fn) => fn.name).join(', ')}) with esbuild and
writes ${LAMBDA_DIST}/<name>.zip (index.js inside; handler index.handler).

  --json   print the report as JSON
  --help   this text

Exit codes: 0 built within budget, 1 over budget or a forbidden package bundled, 2 bad usage.`;

export interface PackageReport {
  name: string;
  zip: string;
  bundleBytes: number;
  zipBytes: number;
  heaviest: { name: string; bytes: number }[];
  forbidden: string[];
}

export async function packageLambdas(): Promise<PackageReport[]> {
  const reports: PackageReport[] = [];
  for (const fn of LAMBDA_FUNCTIONS) {
    const { code, metafile } = await bundle(fn);
    const archive = zip([{ name: 'index.js', data: code }]);
    const path = `${LAMBDA_DIST}/${fn.name}.zip`;
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, archive);
    reports.push({
      name: fn.name,
      zip: path,
      bundleBytes: code.length,
      zipBytes: archive.length,
      heaviest: heaviestPackages(metafile, 5),
      forbidden: forbiddenPackages(metafile),
    });
  }
  return reports;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;

async function main(args: string[]): Promise<number> {
  if (args.includes('--help')) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const unknown = args.filter((arg) => arg !== '--json');
  if (unknown.length > 0) {
    process.stderr.write(`unknown argument ${unknown[0]}\n\n${HELP}\n`);
    return 2;
  }
  const reports = await packageLambdas();
  if (args.includes('--json')) process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
  let ok = true;
  for (const report of reports) {
    const withinBudget = report.zipBytes <= ZIP_BUDGET_BYTES;
    ok &&= withinBudget && report.forbidden.length === 0;
    if (args.includes('--json')) continue;
    process.stdout.write(
      `${report.name}: ${report.zip} ${mb(report.zipBytes)} zipped (budget ${mb(ZIP_BUDGET_BYTES)}${withinBudget ? '' : ', OVER'}), ${mb(report.bundleBytes)} bundled\n` +
        `  heaviest: ${report.heaviest.map((entry) => `${entry.name} ${mb(entry.bytes)}`).join(', ')}\n` +
        (report.forbidden.length > 0
          ? `  FORBIDDEN in the bundle: ${report.forbidden.join(', ')}\n`
          : ''),
    );
  }
  return ok ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(
        `package-lambda: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exit(1);
    },
  );
}

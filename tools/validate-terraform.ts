#!/usr/bin/env tsx
/**
 * Offline checks of the Terraform tree: formatting, parsing, module cross-references and policy
 * rules. Usage: npx tsx tools/validate-terraform.ts [--dir terraform] [--no-fmt] [--write-readmes] [--help]
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { renderInputsOutputs } from './terraform/module-readme.ts';
import { policyRules } from './terraform/policy/index.ts';
import { formatReport } from './terraform/report.ts';
import { validateTerraform } from './terraform/validate.ts';
import type { ValidateResult } from './terraform/validate.ts';

const USAGE = `Usage: npx tsx tools/validate-terraform.ts [options]

Checks the Terraform tree offline (no providers, no credentials):
  - terraform fmt -check -recursive (skipped, with the reason, when the binary cannot run)
  - every .tf/.tfvars parses (@cdktf/hcl2json)
  - local module calls: unknown inputs, missing required inputs, module.X.Y outputs, var.X declarations
  - policy rules: ${policyRules.map((rule) => rule.id).join(', ')}

Options:
  --dir <path>       Terraform root to check (default: terraform)
  --no-fmt           Do not run terraform fmt
  --write-readmes    Regenerate the Inputs/Outputs tables of every modules/* README.md (then run prettier), then check
  --help             Show this help

Exit status: 0 clean, 1 violations, 2 usage error.`;

function usageError(message: string): never {
  console.error(`error: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function parseCli(argv: string[]): {
  dir: string;
  fmt: boolean;
  writeReadmes: boolean;
  help: boolean;
} {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        dir: { type: 'string', default: 'terraform' },
        'no-fmt': { type: 'boolean', default: false },
        'write-readmes': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length > 0) usageError(`unexpected argument "${positionals[0]}"`);
    return {
      dir: values.dir,
      fmt: !values['no-fmt'],
      writeReadmes: values['write-readmes'],
      help: values.help,
    };
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error));
  }
}

function writeReadmes(result: ValidateResult): void {
  for (const dir of result.tree.dirs.values()) {
    if (!/(^|\/)modules\/[^/]+$/.test(dir.relDir)) continue;
    const path = join(result.root, dir.relDir, 'README.md');
    const current = existsSync(path)
      ? readFileSync(path, 'utf8')
      : `# ${dir.relDir.split('/').pop()}\n\n`;
    const intro = current.split(/^## Inputs$/m)[0]?.trimEnd() ?? '';
    const next = `${intro}\n\n${renderInputsOutputs(dir)}`;
    if (next !== current) {
      writeFileSync(path, next);
      console.log(`wrote   ${dir.relDir}/README.md`);
    }
  }
}

async function main(): Promise<void> {
  const options = parseCli(process.argv.slice(2));
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const dir = resolve(options.dir);
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    usageError(`--dir ${options.dir} is not a directory`);

  console.log(`Checking Terraform in ${options.dir}`);
  const run = () =>
    validateTerraform(dir, {
      fmt: options.fmt,
      onFile: (file) => console.log(`${file.error ? 'FAIL ' : 'parse'}   ${file.relPath}`),
      onModule: (moduleDir) =>
        console.log(
          `module  ${moduleDir.relDir} (${moduleDir.variables.size} variables, ${moduleDir.outputs.size} outputs, ` +
            `${moduleDir.moduleCalls.size} module calls, ${moduleDir.resources.length} resources)`,
        ),
    });
  let result = await run();
  if (options.writeReadmes) {
    writeReadmes(result);
    result = await run();
  }
  const fmt =
    result.fmt.status === 'skipped'
      ? `skipped (${result.fmt.reason})`
      : result.fmt.status === 'violations'
        ? 'failed'
        : result.fmt.status;
  if (result.fmt.status === 'skipped') console.log(`fmt     skipped: ${result.fmt.reason}`);
  console.log(
    formatReport({
      files: result.tree.files.length,
      modules: result.tree.dirs.size,
      rules: policyRules.length,
      violations: result.violations,
      fmt,
      durationMs: result.durationMs,
    }),
  );
  process.exitCode = result.violations.length > 0 ? 1 : 0;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(2);
});

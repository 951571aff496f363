import { spawnSync } from 'node:child_process';
import { relative, resolve } from 'node:path';
import type { Violation } from './types.ts';

export type FmtResult =
  | { status: 'ok' }
  | { status: 'violations'; violations: Violation[] }
  | { status: 'skipped'; reason: string };

/** Runs `terraform fmt -check -recursive`; reports a skip (with the reason) when the binary cannot run. */
export function checkFormatting(
  root: string,
  terraformBin = process.env['TERRAFORM_BIN'] ?? 'terraform',
): FmtResult {
  const result = spawnSync(
    terraformBin,
    ['fmt', '-check', '-recursive', '-list=true', '-no-color'],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 30_000,
      // A missing CLI config file only prints a warning; keep it off the user's terminal.
      env: { ...process.env, TF_IN_AUTOMATION: '1' },
    },
  );
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    return {
      status: 'skipped',
      reason: code === 'ENOENT' ? `"${terraformBin}" not found on PATH` : result.error.message,
    };
  }
  if (result.status === 0) return { status: 'ok' };
  const files = result.stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.endsWith('.tf') || line.endsWith('.tfvars'));
  if (result.status === 3 && files.length > 0) {
    return {
      status: 'violations',
      violations: files.map((file) => ({
        ruleId: 'TF-FMT',
        file: relative(root, resolve(root, file)).split('\\').join('/'),
        block: '(file)',
        message: 'not in canonical format: run `terraform fmt -recursive`',
      })),
    };
  }
  const detail =
    (result.stderr || result.stdout).split('\n').find((line) => /error/i.test(line)) ??
    `exit status ${result.status}`;
  return {
    status: 'skipped',
    reason: `terraform fmt failed: ${detail.replace(/[│╷╵]/g, '').trim()}`,
  };
}

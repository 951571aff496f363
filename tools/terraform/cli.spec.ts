import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const repoRoot = join(import.meta.dirname, '..', '..');
const cli = join(repoRoot, 'tools', 'validate-terraform.ts');

function run(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('tools/validate-terraform.ts', () => {
  it('--help prints usage and exits 0', () => {
    const result = run('--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: npx tsx tools/validate-terraform.ts');
    expect(result.stdout).toContain('TF-RDS-DELETION-PROTECTION');
  }, 30_000);

  it('exits 2 on an unknown option or a missing directory', () => {
    expect(run('--bogus').status).toBe(2);
    const missing = run('--dir', 'no/such/dir');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('is not a directory');
  }, 30_000);

  it('exits 1 and names file, block and rule when there are violations', () => {
    const result = run('--dir', 'tools/terraform/fixtures/eks-kms', '--no-fmt');
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('parse   main.tf');
    expect(result.stdout).toMatch(/TF-EKS-KMS\s+main\.tf:1\s+\[resource\.aws_eks_cluster\.bad\]/);
  }, 30_000);

  it('exits 0 on the real tree and prints a summary', () => {
    const result = run('--dir', 'terraform');
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/module {2}modules\/eks \(/);
    expect(result.stdout).toMatch(
      /Summary: \d+ files, \d+ module directories, \d+ policy rules, fmt (ok|skipped .*), 0 violations/,
    );
  }, 30_000);
});

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFormatting } from './fmt-check.ts';
import { formatReport } from './report.ts';
import { validateTerraform } from './validate.ts';

const repoRoot = join(import.meta.dirname, '..', '..');
const fixtures = join(import.meta.dirname, 'fixtures');
const terraformWorks = (() => {
  const probe = spawnSync(process.env['TERRAFORM_BIN'] ?? 'terraform', ['version'], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  return probe.status === 0;
})();

describe('the real terraform/ tree', () => {
  it('passes every check with zero violations, quickly', async () => {
    const result = await validateTerraform(join(repoRoot, 'terraform'));
    const report = formatReport({
      files: result.tree.files.length,
      modules: result.tree.dirs.size,
      rules: 0,
      violations: result.violations,
      fmt: result.fmt.status,
      durationMs: result.durationMs,
    });
    expect(result.violations, report).toEqual([]);
    expect(result.tree.dirs.has('environments/production')).toBe(true);
    expect(result.tree.files.length).toBeGreaterThan(50);
    expect(result.durationMs).toBeLessThan(10_000);
    if (!terraformWorks)
      console.warn(
        `terraform fmt not checked: ${result.fmt.status === 'skipped' ? result.fmt.reason : 'binary unavailable'}`,
      );
  }, 20_000);

  it('has the three environments calling the shared modules', async () => {
    const { tree } = await validateTerraform(join(repoRoot, 'terraform'), { fmt: false });
    for (const env of ['staging', 'production', 'dr']) {
      const dir = tree.dirs.get(`environments/${env}`);
      expect(dir?.moduleCalls.get('eks')?.localDir).toBe('modules/eks');
      expect(dir?.resources, `${env} must only call modules`).toEqual([]);
    }
  });
});

describe('parsing and formatting', () => {
  it('reports a file that does not parse', async () => {
    const { violations } = await validateTerraform(join(fixtures, 'parse-error'), { fmt: false });
    const parseErrors = violations.filter((v) => v.ruleId === 'HCL-PARSE');
    expect(parseErrors).toEqual([expect.objectContaining({ file: 'main.tf', block: '(file)' })]);
    expect(parseErrors[0]?.message).toMatch(/Unclosed configuration block/);
  });

  it('reports files terraform fmt would rewrite (or says why fmt was skipped)', async () => {
    const { fmt, violations } = await validateTerraform(join(fixtures, 'fmt'));
    if (!terraformWorks) {
      console.warn(
        'terraform binary unavailable: checking the skip reason instead of fmt rejections',
      );
      expect(fmt).toMatchObject({ status: 'skipped', reason: expect.any(String) });
      return;
    }
    expect(fmt.status).toBe('violations');
    expect(violations.filter((v) => v.ruleId === 'TF-FMT').map((v) => v.file)).toEqual(['main.tf']);
  });

  it('reports a skip with a reason when the terraform binary is missing', () => {
    expect(checkFormatting(join(fixtures, 'fmt'), 'terraform-does-not-exist')).toEqual({
      status: 'skipped',
      reason: '"terraform-does-not-exist" not found on PATH',
    });
  });
});

describe('report', () => {
  it('names rule, file, line and block of each violation and counts them', () => {
    const text = formatReport({
      files: 3,
      modules: 1,
      rules: 17,
      fmt: 'ok',
      durationMs: 12,
      violations: [
        {
          ruleId: 'TF-EKS-KMS',
          file: 'modules/eks/main.tf',
          line: 7,
          block: 'resource.aws_eks_cluster.this',
          message: 'no key',
        },
      ],
    });
    expect(text).toContain('TF-EKS-KMS');
    expect(text).toContain('modules/eks/main.tf:7  [resource.aws_eks_cluster.this]');
    expect(text).toContain('1 violation (TF-EKS-KMS×1)');
  });
});

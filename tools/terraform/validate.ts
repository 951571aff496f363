import { resolve } from 'node:path';
import { checkCrossReferences } from './cross-reference.ts';
import { buildInstances } from './evaluate.ts';
import { checkFormatting } from './fmt-check.ts';
import type { FmtResult } from './fmt-check.ts';
import { loadHclTree } from './hcl-loader.ts';
import type { HclFile } from './hcl-loader.ts';
import { buildTree } from './model.ts';
import type { ModuleDir, TfTree } from './model.ts';
import { policyRules, runPolicyRules } from './policy/index.ts';
import type { PolicyRule } from './policy/index.ts';
import type { Violation } from './types.ts';

export interface ValidateOptions {
  /** Run `terraform fmt -check`; off in unit tests of single rules. */
  fmt?: boolean;
  rules?: PolicyRule[];
  onFile?: (file: HclFile) => void;
  onModule?: (dir: ModuleDir) => void;
}

export interface ValidateResult {
  root: string;
  tree: TfTree;
  fmt: FmtResult | { status: 'disabled' };
  violations: Violation[];
  durationMs: number;
}

function parseViolations(files: HclFile[]): Violation[] {
  return files
    .filter((file) => file.error !== undefined)
    .map((file) => ({
      ruleId: 'HCL-PARSE',
      file: file.relPath,
      block: '(file)',
      message: file.error ?? 'does not parse',
    }));
}

/** Parses every .tf/.tfvars below `dir`, then runs formatting, cross-reference and policy checks. */
export async function validateTerraform(
  dir: string,
  options: ValidateOptions = {},
): Promise<ValidateResult> {
  const started = performance.now();
  const root = resolve(dir);
  const files = await loadHclTree(root, options.onFile);
  const tree = buildTree(files);
  for (const moduleDir of tree.dirs.values()) options.onModule?.(moduleDir);
  const fmt = options.fmt === false ? ({ status: 'disabled' } as const) : checkFormatting(root);
  const violations = [
    ...(fmt.status === 'violations' ? fmt.violations : []),
    ...parseViolations(files),
    ...checkCrossReferences(tree),
    ...runPolicyRules(
      { root, tree, instances: buildInstances(tree) },
      options.rules ?? policyRules,
    ),
  ];
  return { root, tree, fmt, violations, durationMs: Math.round(performance.now() - started) };
}

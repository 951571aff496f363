import type { Instance } from '../evaluate.ts';
import type { Block, TfTree } from '../model.ts';
import type { Violation } from '../types.ts';

export interface PolicyInput {
  /** Absolute path of the checked root (for files that are not HCL, such as module READMEs). */
  root: string;
  tree: TfTree;
  instances: Instance[];
}

export interface PolicyRule {
  id: string;
  description: string;
  check(input: PolicyInput): Violation[];
}

export function violationAt(ruleId: string, block: Block, message: string): Violation {
  return { ruleId, file: block.file.relPath, line: block.line, block: block.address, message };
}

/** Resources of `type` in every instance, with the instance whose inputs evaluate them. */
export function* resourcesOf(
  instances: Instance[],
  type: string,
): Generator<{ resource: Block; instance: Instance }> {
  for (const instance of instances) {
    for (const resource of instance.dir.resources) {
      if (resource.kind === 'resource' && resource.type === type) yield { resource, instance };
    }
  }
}

/** Calls of a registry module whose source starts with `sourcePrefix` (e.g. terraform-aws-modules/eks/aws). */
export function* registryCallsOf(
  instances: Instance[],
  sourcePrefix: string,
): Generator<{ call: Block; instance: Instance }> {
  for (const instance of instances) {
    for (const call of instance.dir.moduleCalls.values()) {
      const source = call.source.replace(/^registry\.terraform\.io\//, '');
      if (source === sourcePrefix || source.startsWith(`${sourcePrefix}//`))
        yield { call, instance };
    }
  }
}

/** The same module used by several environments reports one problem once per environment, not per duplicate. */
export function dedupe(violations: Violation[]): Violation[] {
  const seen = new Set<string>();
  return violations.filter((v) => {
    const key = `${v.ruleId}|${v.file}|${v.block}|${v.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function describe(value: unknown): string {
  return typeof value === 'symbol' ? 'an unresolvable expression' : JSON.stringify(value);
}

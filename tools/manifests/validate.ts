import { typeKey } from './models.ts';
import { appliesTo, RULES, type Rule } from './rules/index.ts';
import { validateSchemas } from './schema.ts';
import { createStrictChecker, type StrictChecker } from './strict-fields.ts';
import type { Finding, K8sObject, RenderedTarget } from './types.ts';

export interface TargetResult {
  readonly target: RenderedTarget;
  readonly findings: Finding[];
}

/** One strict checker for every kind the targets contain (building it costs a couple of seconds). */
export function strictCheckerFor(targets: readonly RenderedTarget[]): StrictChecker {
  return createStrictChecker(
    targets.flatMap((target) =>
      target.objects.map((object) => typeKey(object.apiVersion, object.kind)),
    ),
  );
}

export function runRules(
  target: RenderedTarget,
  argocd: readonly K8sObject[],
  rules: readonly Rule[] = RULES,
): Finding[] {
  return rules
    .filter((rule) => appliesTo(rule, target))
    .flatMap((rule) =>
      rule
        .check({ target, argocd })
        .map((problem) => ({ target: target.name, rule: rule.id, ...problem })),
    );
}

export async function validateTarget(
  target: RenderedTarget,
  argocd: readonly K8sObject[],
  strict: StrictChecker,
): Promise<TargetResult> {
  const findings = [
    ...(await validateSchemas(target.name, target.objects, strict)),
    ...runRules(target, argocd),
  ];
  return { target, findings };
}

/** Argo CD's objects from the rendered targets (the environment rules consult its sync settings). */
export const argocdObjects = (targets: readonly RenderedTarget[]): K8sObject[] =>
  targets.filter((target) => target.kind === 'argocd').flatMap((target) => target.objects);

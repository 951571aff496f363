import type { Finding, K8sObject, RenderedTarget } from '../types.ts';

export interface RuleContext {
  readonly target: RenderedTarget;
  /** Argo CD's rendered tree: rules about the environments may depend on how they are synced. */
  readonly argocd: readonly K8sObject[];
}

export interface Rule {
  /** Stable id printed with every failure, e.g. `pod-security-context`. */
  readonly id: string;
  readonly description: string;
  /**
   * `environment`: only complete overlays (a component alone lacks e.g. image tags);
   * `workloads`: overlays and components; `argocd`: the Argo CD tree.
   */
  readonly scope: 'environment' | 'workloads' | 'argocd';
  check(context: RuleContext): Omit<Finding, 'target' | 'rule'>[];
}

export function appliesTo(rule: Rule, target: RenderedTarget): boolean {
  if (rule.scope === 'argocd') return target.kind === 'argocd';
  if (rule.scope === 'environment') return target.kind === 'overlay';
  return target.kind !== 'argocd';
}

import { existsSync } from 'node:fs';
import path from 'node:path';

const workspaceRoot = path.resolve(import.meta.dirname, '../..');

const ARGO_CD_KINDS = new Set(['Application', 'ApplicationSet', 'AppProject']);

/** `apps/v1/Deployment` style key for an object's type. */
export const typeKey = (apiVersion: string, kind: string): string => `${apiVersion}/${kind}`;

/**
 * The @kubernetes-models module describing an apiVersion/kind, e.g.
 * `kubernetes-models/apps/v1/Deployment`, or undefined when no installed package has it.
 */
export function modelModule(apiVersion: string, kind: string): string | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  let specifier: string | undefined;
  if (group === '') specifier = `kubernetes-models/${version}/${kind}`;
  else if (group?.endsWith('istio.io'))
    specifier = `@kubernetes-models/istio/${group}/${version}/${kind}`;
  else if (group === 'monitoring.coreos.com')
    specifier = `@kubernetes-models/prometheus-operator/${group}/${version}/${kind}`;
  else if (group === 'argoproj.io' && ARGO_CD_KINDS.has(kind))
    specifier = `@kubernetes-models/argo-cd/${group}/${version}/${kind}`;
  else if (!group?.includes('.') || group.endsWith('.k8s.io'))
    specifier = `kubernetes-models/${group}/${version}/${kind}`;
  if (!specifier) return undefined;
  return existsSync(path.join(workspaceRoot, 'node_modules', `${specifier}.js`))
    ? specifier
    : undefined;
}

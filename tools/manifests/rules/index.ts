import { analysisGates } from './analysis-rules.ts';
import { argocdSyncPolicy } from './argocd-rules.ts';
import { hpaOwnsReplicas, pdbPerWorkload } from './availability-rules.ts';
import { configKnownEnv, configRequiredEnv, envSources, mediaPublicUrl } from './config-rules.ts';
import { mtlsStrict, outlierDetection, routesMatchTable } from './mesh-rules.ts';
import { serviceMonitorCoverage } from './monitoring-rules.ts';
import { namespaceLabels } from './namespace-rules.ts';
import { defaultDenyNetworkPolicy } from './network-rules.ts';
import type { Rule } from './rule.ts';
import {
  gracefulShutdown,
  imagePinning,
  podSecurityContext,
  probes,
  resources,
  topologySpread,
} from './workload-rules.ts';

export { appliesTo, type Rule, type RuleContext } from './rule.ts';

export const RULES: readonly Rule[] = [
  podSecurityContext,
  resources,
  probes,
  gracefulShutdown,
  topologySpread,
  imagePinning,
  pdbPerWorkload,
  hpaOwnsReplicas,
  serviceMonitorCoverage,
  mtlsStrict,
  outlierDetection,
  routesMatchTable,
  defaultDenyNetworkPolicy,
  namespaceLabels,
  configRequiredEnv,
  configKnownEnv,
  envSources,
  mediaPublicUrl,
  argocdSyncPolicy,
  analysisGates,
];

import { admissionRule } from './rules/admission-rule.ts';
import { capacityRule } from './rules/capacity-rule.ts';
import { cloudRule } from './rules/cloud-rule.ts';
import { controllersRule } from './rules/controllers-rule.ts';
import {
  clusterEnvironmentRule,
  mediaStorageInRegionRule,
  mediaIdentityOutsideAwsRule,
  noMigrationOnReplicaRule,
  outboundHttpsRule,
} from './rules/environment-rules.ts';
import { commandsRule, imageTagsRule, signedImagesRule } from './rules/image-rules.ts';
import { projectRule } from './rules/project-rule.ts';
import { referencesRule } from './rules/references-rule.ts';
import type { ClusterModel, SyncFinding, SyncRule } from './types.ts';

export const FIRST_SYNC_RULES: readonly SyncRule[] = [
  clusterEnvironmentRule,
  admissionRule,
  projectRule,
  referencesRule,
  controllersRule,
  cloudRule,
  capacityRule,
  commandsRule,
  imageTagsRule,
  signedImagesRule,
  noMigrationOnReplicaRule,
  mediaStorageInRegionRule,
  mediaIdentityOutsideAwsRule,
  outboundHttpsRule,
];

export function checkCluster(
  cluster: ClusterModel,
  rules: readonly SyncRule[] = FIRST_SYNC_RULES,
): SyncFinding[] {
  return rules.flatMap((rule) =>
    rule.check(cluster).map((problem) => ({ cluster: cluster.name, rule: rule.id, ...problem })),
  );
}

export { ModelLoader } from './load.ts';
export type { ClusterModel, SyncFinding, SyncRule } from './types.ts';

import { azureRules } from './azure-rules.ts';
import { backupRules } from './backup-rules.ts';
import { dataRules } from './data-rules.ts';
import { eksRules } from './eks-rules.ts';
import { gcpRules } from './gcp-rules.ts';
import { hygieneRules } from './hygiene-rules.ts';
import { platformRules } from './platform-rules.ts';
import { lambdaRules } from './lambda-rules.ts';
import { replicationRules } from './replication-rules.ts';
import { dataResidencyRule } from './residency-rules.ts';
import { s3Rules } from './s3-rules.ts';
import { vpnRules } from './vpn-rules.ts';
import type { PolicyInput, PolicyRule } from './rule.ts';
import type { Violation } from '../types.ts';

export type { PolicyInput, PolicyRule } from './rule.ts';

export const policyRules: PolicyRule[] = [
  ...eksRules,
  ...platformRules,
  ...dataRules,
  ...azureRules,
  ...gcpRules,
  dataResidencyRule,
  ...vpnRules,
  ...hygieneRules,
  ...lambdaRules,
  ...backupRules,
  ...s3Rules,
  ...replicationRules,
];

export function runPolicyRules(input: PolicyInput, rules: PolicyRule[] = policyRules): Violation[] {
  return rules.flatMap((rule) => rule.check(input));
}

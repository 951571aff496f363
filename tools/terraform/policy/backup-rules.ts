import { walkStrings, type Block } from '../model.ts';
import type { Violation } from '../types.ts';
import type { PolicyRule } from './rule.ts';
import { violationAt } from './rule.ts';

/** Whether any string of the block's body mentions `text` (expressions are kept as their source). */
const mentions = (block: Block, text: string) =>
  [...walkStrings(block.body)].some(({ value }) => value.includes(text));

export const restoreTestValidatedRule: PolicyRule = {
  id: 'TF-BACKUP-RESTORE-VALIDATED',
  description:
    'Every AWS Backup restore-testing plan has its copies checked: an EventBridge rule on the plan\'s "Restore Job State Change" events, with a target (the validation that calls PutRestoreValidationResult).',
  check({ tree }) {
    const out: Violation[] = [];
    for (const dir of tree.dirs.values()) {
      const resources = dir.resources.filter((r) => r.kind === 'resource');
      const targeted = resources
        .filter((r) => r.type === 'aws_cloudwatch_event_target')
        .flatMap((target) =>
          resources.filter(
            (rule) =>
              rule.type === 'aws_cloudwatch_event_rule' &&
              mentions(target, `aws_cloudwatch_event_rule.${rule.name}`),
          ),
        )
        .filter((rule) => mentions(rule, 'Restore Job State Change'));
      for (const plan of resources.filter((r) => r.type === 'aws_backup_restore_testing_plan')) {
        if (
          !targeted.some((rule) => mentions(rule, `aws_backup_restore_testing_plan.${plan.name}`))
        )
          out.push(
            violationAt(
              this.id,
              plan,
              'no targeted EventBridge rule on this plan\'s "Restore Job State Change" events: nothing checks the restored copies',
            ),
          );
      }
    }
    return out;
  },
};

export const backupRules: PolicyRule[] = [restoreTestValidatedRule];

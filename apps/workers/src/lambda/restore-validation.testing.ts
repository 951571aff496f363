import type { RestoreJobStateChangeEvent } from './restore-validation';

export const PLAN_ARN =
  'arn:aws:backup:eu-west-1:123456789012:restore-testing-plan:fediflow_production-1a2b3c';
export const RESTORED_ARN = 'arn:aws:rds:eu-west-1:123456789012:db:awsbackup-restore-test-abc';

/** A "Restore Job State Change" event as EventBridge delivers it, with `detail` overridable. */
export function restoreJobEvent(
  detail: Partial<NonNullable<RestoreJobStateChangeEvent['detail']>> = {},
): RestoreJobStateChangeEvent {
  return {
    source: 'aws.backup',
    'detail-type': 'Restore Job State Change',
    detail: {
      restoreJobId: 'job-1',
      status: 'COMPLETED',
      resourceType: 'RDS',
      createdResourceArn: RESTORED_ARN,
      restoreTestingPlanArn: PLAN_ARN,
      ...detail,
    },
  };
}

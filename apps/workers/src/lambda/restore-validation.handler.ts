import { BackupClient } from '@aws-sdk/client-backup';
import { RDSClient } from '@aws-sdk/client-rds';
import { loadConfig, resolveSsmParameters } from '@fediflow/config';
import type { Handler } from 'aws-lambda';
import { lazyOnce } from './lambda-environment';
import {
  reportValidationRecency,
  validateRestore,
  type RestoreJobStateChangeEvent,
  type RestoreValidationOutcome,
} from './restore-validation';

/** The scheduled rule of terraform/modules/backup that runs the recency check. */
interface ScheduledEvent {
  source?: string;
  'detail-type'?: string;
}

// Configuration (DATABASE_URL from its SSM parameter) and the SDK clients, once per execution
// environment. The SDK is the runtime's (external to the bundle). No pool: each event is a
// different restored instance, reached with one connection.
const environment = lazyOnce(async () => ({
  config: loadConfig('restoreValidation', await resolveSsmParameters()),
  rds: new RDSClient({}),
  backup: new BackupClient({}),
}));

/**
 * restoreValidation: "Restore Job State Change" events of the restore-testing plan (EventBridge)
 * are validated; the scheduled event reports how long ago a validation last passed.
 */
export const handler: Handler<
  RestoreJobStateChangeEvent | ScheduledEvent,
  RestoreValidationOutcome | { hoursSinceLastSuccess: number }
> = async (event) => {
  const deps = {
    ...(await environment()),
    write: (line: string) => process.stdout.write(`${line}\n`),
  };
  if (event.source === 'aws.events' && event['detail-type'] === 'Scheduled Event')
    return reportValidationRecency(deps);
  return validateRestore(event, deps);
};

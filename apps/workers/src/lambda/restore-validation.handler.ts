import { BackupClient } from '@aws-sdk/client-backup';
import { RDSClient } from '@aws-sdk/client-rds';
import { loadConfig, resolveSsmParameters } from '@fediflow/config';
import type { Handler } from 'aws-lambda';
import { lazyOnce } from './lambda-environment';
import {
  validateRestore,
  type RestoreJobStateChangeEvent,
  type RestoreValidationOutcome,
} from './restore-validation';

// Configuration (DATABASE_URL from its SSM parameter) and the SDK clients, once per execution
// environment. The SDK is the runtime's (external to the bundle). No pool: each event is a
// different restored instance, reached with one connection.
const environment = lazyOnce(async () => ({
  config: loadConfig('restoreValidation', await resolveSsmParameters()),
  rds: new RDSClient({}),
  backup: new BackupClient({}),
}));

/** restoreValidation: "Restore Job State Change" events of the restore-testing plan (EventBridge). */
export const handler: Handler<RestoreJobStateChangeEvent, RestoreValidationOutcome> = async (
  event,
) =>
  validateRestore(event, {
    ...(await environment()),
    write: (line) => process.stdout.write(`${line}\n`),
  });

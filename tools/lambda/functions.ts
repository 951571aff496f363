/**
 * The serverless workers: one zip each, built from the workers' Lambda entry points. Terraform
 * deploys these names and handlers: terraform/modules/serverless-workers the activityProcessor
 * and the emailSender, terraform/modules/backup the restoreValidation.
 */
export interface LambdaFunction {
  readonly name: 'activityProcessor' | 'emailSender' | 'restoreValidation';
  /** The entry point, relative to the repository root. */
  readonly entry: string;
  /** `index.handler` inside the zip. */
  readonly handler: string;
}

export const LAMBDA_FUNCTIONS: readonly LambdaFunction[] = [
  {
    name: 'activityProcessor',
    entry: 'apps/workers/src/lambda/activity.handler.ts',
    handler: 'index.handler',
  },
  {
    name: 'emailSender',
    entry: 'apps/workers/src/lambda/email.handler.ts',
    handler: 'index.handler',
  },
  {
    name: 'restoreValidation',
    entry: 'apps/workers/src/lambda/restore-validation.handler.ts',
    handler: 'index.handler',
  },
];

/**
 * AWS SDK clients the Lambda Node.js runtime provides (SDK v3): left out of every zip. They are
 * dev dependencies only, so no container image installs them either
 * (tools/images/production-manifest.ts takes production dependencies and what a service bundle
 * requires, and no service bundle imports the Lambda handlers).
 */
export const RUNTIME_PROVIDED = ['@aws-sdk/client-backup', '@aws-sdk/client-rds'];

/** Lambda's limit is 50 MB zipped; this project keeps each function under 10 MB (cold starts). */
export const ZIP_BUDGET_BYTES = 10 * 1024 * 1024;

export const LAMBDA_DIST = 'dist/lambda';

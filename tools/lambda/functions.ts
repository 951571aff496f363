/**
 * The serverless workers: one zip each, built from the workers' Lambda entry points. The
 * Terraform module (terraform/modules/serverless-workers) deploys these names and handlers.
 */
export interface LambdaFunction {
  readonly name: 'activityProcessor' | 'emailSender';
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
];

/** Lambda's limit is 50 MB zipped; this project keeps each function under 10 MB (cold starts). */
export const ZIP_BUDGET_BYTES = 10 * 1024 * 1024;

export const LAMBDA_DIST = 'dist/lambda';

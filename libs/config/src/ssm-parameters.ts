import { SECRET_VARIABLES } from './env-schema';

/** `DATABASE_URL_SSM_PARAMETER=/fediflow/database/url` fills `DATABASE_URL` from that parameter. */
export const SSM_PARAMETER_SUFFIX = '_SSM_PARAMETER';

/** The AWS Parameters and Secrets Lambda Extension's default local port. */
const EXTENSION_PORT = '2773';

/** A parameter could not be read; the message names the variable and the parameter. */
export class SsmParameterError extends Error {
  override readonly name = 'SsmParameterError';
  readonly code = 'SSM_PARAMETER_UNREADABLE';
}

export type Fetch = (url: string, init: { headers: Record<string, string> }) => Promise<Response>;

/**
 * The environment with each secret variable that names an SSM parameter instead
 * (`<NAME>_SSM_PARAMETER`) filled with that SecureString's decrypted value, read once at init
 * through the AWS Parameters and Secrets Lambda Extension (localhost:2773, authenticated with the
 * function's session token). The value never lands in the function's configuration or in
 * Terraform state; rotating it needs only a new execution environment.
 */
export async function resolveSsmParameters(
  env: NodeJS.ProcessEnv = process.env,
  fetchParameter: Fetch = fetch,
): Promise<NodeJS.ProcessEnv> {
  const wanted = [...SECRET_VARIABLES].flatMap((variable) => {
    const name = env[`${variable}${SSM_PARAMETER_SUFFIX}`];
    return name ? [{ variable, name }] : [];
  });
  if (wanted.length === 0) return env;
  const token = env['AWS_SESSION_TOKEN'];
  if (!token) {
    throw new SsmParameterError(
      'AWS_SESSION_TOKEN is not set: SSM parameters are read through the Lambda extension',
    );
  }
  const port = env['PARAMETERS_SECRETS_EXTENSION_HTTP_PORT'] ?? EXTENSION_PORT;
  const values = await Promise.all(
    wanted.map(async ({ variable, name }) => {
      const url = `http://localhost:${port}/systemsmanager/parameters/get?name=${encodeURIComponent(name)}&withDecryption=true`;
      let response: Response;
      try {
        response = await fetchParameter(url, {
          headers: { 'X-Aws-Parameters-Secrets-Token': token },
        });
      } catch (error) {
        throw new SsmParameterError(
          `${variable}: the Parameters and Secrets extension did not answer for ${name}: ${String(error)}`,
        );
      }
      if (!response.ok) {
        throw new SsmParameterError(`${variable}: reading ${name} answered ${response.status}`);
      }
      const body = (await response.json()) as { Parameter?: { Value?: unknown } };
      const value = body.Parameter?.Value;
      if (typeof value !== 'string' || value === '') {
        throw new SsmParameterError(`${variable}: ${name} has no value`);
      }
      return [variable, value] as const;
    }),
  );
  return { ...env, ...Object.fromEntries(values) };
}

import type { z } from 'zod';
import { envSchemas, type ConfigTarget, type ServiceConfig } from './env-schema';

/** Raised when the environment does not satisfy a service's schema; the message names each variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly service: ConfigTarget,
    readonly problems: readonly string[],
  ) {
    super(`Invalid configuration for ${service}: ${problems.join('; ')}`);
  }
}

function describeIssue(issue: z.core.$ZodIssue, env: NodeJS.ProcessEnv): string {
  const variable = String(issue.path[0] ?? '(environment)');
  if (env[variable] === undefined) return `${variable} is required but not set`;
  return `${variable} ${issue.message}`;
}

/** Validates the environment once; the result is frozen so nothing can drift at run time. */
export function loadConfig<S extends ConfigTarget>(
  service: S,
  env: NodeJS.ProcessEnv = process.env,
): ServiceConfig<S> {
  const result = envSchemas[service].safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      service,
      result.error.issues.map((issue) => describeIssue(issue, env)),
    );
  }
  return Object.freeze({ ...result.data, service }) as ServiceConfig<S>;
}

/** For `main.ts`: a bad environment ends the process with exit code 1 and one line on stderr. */
export function loadConfigOrExit<S extends ConfigTarget>(service: S): ServiceConfig<S> {
  try {
    return loadConfig(service);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

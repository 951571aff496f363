import { envSchemas, SECRET_VARIABLES, type ConfigTarget } from './env-schema';

export interface EnvVariableSpec {
  readonly name: string;
  /** True when the service refuses to start without it (no default). */
  readonly required: boolean;
  /** True when it carries credentials and must come from a Secret. */
  readonly secret: boolean;
}

/**
 * The variables a service reads, derived from its schema, so that deployment manifests can be
 * checked against the code instead of a hand-kept list.
 */
export function describeEnvironment(service: ConfigTarget): EnvVariableSpec[] {
  return Object.entries(envSchemas[service].shape).map(([name, schema]) => ({
    name,
    required: !schema.safeParse(undefined).success,
    secret: SECRET_VARIABLES.has(name),
  }));
}

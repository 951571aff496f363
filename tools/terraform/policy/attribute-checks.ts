/**
 * Declarative attribute checks for the Azure and Google Cloud rules: "resource type T must have
 * attribute path P satisfying S", with the provider's default when P is not written. Nested
 * blocks are followed through their first body (`high_availability.mode`).
 */
import { UNKNOWN, evaluate } from '../evaluate.ts';
import type { Instance } from '../evaluate.ts';
import { firstBody } from '../model.ts';
import type { Block } from '../model.ts';
import type { Violation } from '../types.ts';
import type { PolicyRule } from './rule.ts';
import { dedupe, describe, resourcesOf, violationAt } from './rule.ts';

export interface AttributeCheck {
  /** `mode` or `high_availability.mode`. */
  path: string;
  /** What is required, for the message: `true`, `"ZoneRedundant"`, `at least 7`. */
  expect: string;
  ok: (value: unknown) => boolean;
  /** The provider's value when the attribute (or its block) is not written. */
  default?: unknown;
}

/** The attribute at `path`, evaluated in `instance`; `missing` when it or a block on the way is absent. */
export function attributeAt(block: Block, path: string, instance: Instance): unknown {
  const parts = path.split('.');
  const leaf = parts.pop() ?? path;
  let body: Record<string, unknown> | undefined = block.body;
  for (const part of parts) body = firstBody(body?.[part]);
  const raw = body?.[leaf];
  return raw === undefined ? MISSING : evaluate(raw, instance);
}
export const MISSING: unique symbol = Symbol('missing');

export const equals =
  (expected: unknown) =>
  (value: unknown): boolean =>
    value === expected;
export const atLeast =
  (minimum: number) =>
  (value: unknown): boolean =>
    typeof value === 'number' && value >= minimum;
export const nonEmptyString = (value: unknown): boolean =>
  typeof value === 'string' && value.length > 0;

/** One rule that applies `checks` to every resource of `resourceType`. */
export function attributeRule(
  id: string,
  description: string,
  resourceType: string,
  checks: AttributeCheck[],
): PolicyRule {
  return {
    id,
    description,
    check({ instances }) {
      const out: Violation[] = [];
      for (const { resource, instance } of resourcesOf(instances, resourceType)) {
        const failures: string[] = [];
        for (const check of checks) {
          const found = attributeAt(resource, check.path, instance);
          const value = found === MISSING ? check.default : found;
          if (check.ok(value)) continue;
          const got =
            found === MISSING
              ? `unset${check.default === undefined ? '' : ` (provider default ${describe(check.default)})`}`
              : value === UNKNOWN
                ? 'an unresolvable expression'
                : describe(value);
          failures.push(`${check.path} must be ${check.expect}, got ${got}`);
        }
        // One finding per resource, naming every attribute that is wrong.
        if (failures.length)
          out.push(violationAt(id, resource, `${failures.join('; ')} (${instance.label})`));
      }
      return dedupe(out);
    },
  };
}

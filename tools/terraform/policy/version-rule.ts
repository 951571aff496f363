import { UNKNOWN, evaluate } from '../evaluate.ts';
import type { Violation } from '../types.ts';
import { validatedVersions } from './platform-rules.ts';
import type { PolicyRule } from './rule.ts';
import { dedupe, resourcesOf, violationAt } from './rule.ts';

/** End of a vendor's standard support per Kubernetes minor, `YYYY-MM-DD`. */
export type SupportCalendar = Record<string, string>;

export function inSupport(calendar: SupportCalendar, version: string, today: Date): boolean {
  const minor = /^(\d+\.\d+)/.exec(version)?.[1];
  const end = minor === undefined ? undefined : calendar[minor];
  return end !== undefined && today.getTime() < Date.parse(`${end}T00:00:00Z`);
}

/**
 * `attribute` of every `resourceType` names a Kubernetes minor in `vendor`'s standard support
 * today: a literal, or a variable whose validation lists only supported versions. Unset is a
 * violation (the vendor's default moves without review).
 */
export function kubernetesVersionRule(
  id: string,
  vendor: string,
  resourceType: string,
  attribute: string,
  calendar: SupportCalendar,
): PolicyRule {
  return {
    id,
    description: `${vendor} clusters pin a Kubernetes version in ${vendor} standard support.`,
    check({ instances }) {
      const out: Violation[] = [];
      const today = new Date();
      for (const { resource, instance } of resourcesOf(instances, resourceType)) {
        const raw = resource.body[attribute];
        const version = evaluate(raw, instance);
        const candidates =
          raw === undefined
            ? ['(unset: the vendor picks its default)']
            : typeof version === 'string'
              ? [version]
              : version === UNKNOWN
                ? (validatedVersions(raw, instance.dir.variables) ?? [
                    '(unresolvable, and no validation lists the versions)',
                  ])
                : [String(version)];
        const unsupported = candidates.filter((v) => !inSupport(calendar, v, today));
        if (unsupported.length)
          out.push(
            violationAt(
              id,
              resource,
              `${attribute} ${unsupported.join(', ')} is not in ${vendor} standard support on ${today.toISOString().slice(0, 10)} (${instance.label})`,
            ),
          );
      }
      return dedupe(out);
    },
  };
}

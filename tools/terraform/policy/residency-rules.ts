/**
 * Data sovereignty: an environment root that declares `locals { data_residency = [...] }` pins
 * every resource it creates, through every module, to those regions / locations. A `location` or
 * `region` elsewhere, or one that cannot be resolved offline, is refused.
 */
import { UNKNOWN, evaluate } from '../evaluate.ts';
import type { Violation } from '../types.ts';
import type { PolicyRule } from './rule.ts';
import { dedupe, describe, violationAt } from './rule.ts';

const PLACEMENT_ATTRIBUTES = ['location', 'region'];

export const dataResidencyRule: PolicyRule = {
  id: 'TF-DATA-RESIDENCY',
  description:
    'Environments that declare local.data_residency create resources only in those regions.',
  check({ instances }) {
    const out: Violation[] = [];
    for (const root of instances.filter((instance) => instance.call === undefined)) {
      const declared = evaluate(root.dir.locals.get('data_residency'), root);
      if (!Array.isArray(declared)) continue;
      const allowed = new Set(declared.filter((v): v is string => typeof v === 'string'));
      const inRoot = instances.filter(
        (i) => i.label === root.label || i.label.startsWith(`${root.label} → `),
      );
      for (const instance of inRoot)
        for (const resource of instance.dir.resources) {
          if (resource.kind !== 'resource') continue;
          for (const attribute of PLACEMENT_ATTRIBUTES) {
            const raw = resource.body[attribute];
            if (raw === undefined) continue;
            const value = evaluate(raw, instance);
            if (typeof value === 'string' && allowed.has(value)) continue;
            out.push(
              violationAt(
                this.id,
                resource,
                `${attribute} ${value === UNKNOWN ? 'cannot be resolved offline' : describe(value)} is outside ${root.label}'s data_residency [${[...allowed].join(', ')}] (${instance.label})`,
              ),
            );
          }
        }
    }
    return dedupe(out);
  },
};

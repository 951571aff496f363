import type { ModuleCall, ModuleDir, TfTree } from './model.ts';
import { isBody, rootDirs } from './model.ts';

/** A value the checker cannot know offline (data sources, computed attributes, unset root inputs). */
export const UNKNOWN: unique symbol = Symbol('unknown');
export type Unknown = typeof UNKNOWN;

/**
 * One use of a module directory: a root configuration, or a module called from one with concrete
 * inputs. Policy rules evaluate attributes per instance, so `deletion_protection = var.x` is judged
 * with the value production actually passes.
 */
export interface Instance {
  dir: ModuleDir;
  /** e.g. `environments/production → module.database`. */
  label: string;
  /** Environment name of the root (`production`, `staging`, `dr`, …). */
  environment: string;
  vars: Map<string, unknown>;
  /** The call that created this instance (undefined for roots). */
  call?: ModuleCall;
}

const VAR_REF = /^\$\{var\.([A-Za-z_][\w-]*)\}$/;
const LOCAL_REF = /^\$\{local\.([A-Za-z_][\w-]*)\}$/;

/** Evaluates a hcl2json expression: literals and plain `var.x` / `local.x` references; anything else is UNKNOWN. */
export function evaluate(
  expr: unknown,
  instance: Instance,
  seen: Set<string> = new Set(),
): unknown {
  if (typeof expr === 'string') {
    if (!expr.includes('${')) return expr;
    const variable = VAR_REF.exec(expr);
    if (variable?.[1] !== undefined)
      return instance.vars.has(variable[1]) ? instance.vars.get(variable[1]) : UNKNOWN;
    const local = LOCAL_REF.exec(expr);
    if (local?.[1] !== undefined && instance.dir.locals.has(local[1]) && !seen.has(local[1])) {
      return evaluate(instance.dir.locals.get(local[1]), instance, new Set([...seen, local[1]]));
    }
    return UNKNOWN;
  }
  if (Array.isArray(expr)) return expr.map((item) => evaluate(item, instance, seen));
  if (isBody(expr)) {
    return Object.fromEntries(
      Object.entries(expr).map(([key, value]) => [key, evaluate(value, instance, seen)]),
    );
  }
  return expr;
}

export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (isBody(value)) return Object.values(value).some(containsUnknown);
  return false;
}

/** `environments/production` → `production`; any other root → its last path segment. */
export function environmentOf(relDir: string): string {
  const segments = relDir.split('/');
  const index = segments.lastIndexOf('environments');
  const name = index >= 0 ? segments[index + 1] : segments[segments.length - 1];
  return name ?? relDir;
}

function rootInstance(dir: ModuleDir): Instance {
  const vars = new Map<string, unknown>();
  for (const [name, variable] of dir.variables) {
    if (dir.tfvars.has(name)) vars.set(name, dir.tfvars.get(name)?.value);
    else if ('default' in variable.body) vars.set(name, variable.body['default']);
    else vars.set(name, UNKNOWN);
  }
  const environment = environmentOf(dir.relDir);
  const instance: Instance = { dir, label: dir.relDir, environment, vars };
  // tfvars are literals, but a default may refer to nothing else; evaluate for uniformity.
  for (const [name, value] of vars) vars.set(name, evaluate(value, instance));
  return instance;
}

const MAX_DEPTH = 10;

/** Every root configuration and, recursively, every local module instance it creates. */
export function buildInstances(tree: TfTree): Instance[] {
  const instances: Instance[] = [];
  function expand(parent: Instance, depth: number): void {
    instances.push(parent);
    if (depth >= MAX_DEPTH) return;
    for (const call of parent.dir.moduleCalls.values()) {
      const child = call.localDir ? tree.dirs.get(call.localDir) : undefined;
      if (!child) continue;
      const vars = new Map<string, unknown>();
      for (const [name, variable] of child.variables) {
        if (name in call.body) vars.set(name, evaluate(call.body[name], parent));
        else if ('default' in variable.body) vars.set(name, variable.body['default']);
        else vars.set(name, UNKNOWN);
      }
      expand(
        {
          dir: child,
          label: `${parent.label} → module.${call.name}`,
          environment: parent.environment,
          vars,
          call,
        },
        depth + 1,
      );
    }
  }
  for (const root of rootDirs(tree)) expand(rootInstance(root), 0);
  return instances;
}

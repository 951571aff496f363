import { modelModule, typeKey } from './models.ts';
import type { StrictChecker } from './strict-fields.ts';
import { objectRef, type Finding, type K8sObject } from './types.ts';

interface ModelClass {
  new (data: unknown): { validate(): void };
}

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

const modelCache = new Map<string, Promise<ModelClass | undefined>>();

async function loadModel(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
  const key = typeKey(apiVersion, kind);
  let model = modelCache.get(key);
  if (!model) {
    const specifier = modelModule(apiVersion, kind);
    model = specifier
      ? import(specifier).then((module: Record<string, unknown>) => module[kind] as ModelClass)
      : Promise.resolve(undefined);
    modelCache.set(key, model);
  }
  return model;
}

const toField = (instancePath = ''): string =>
  instancePath.replace(/^\//, '').replaceAll('/', '.') || '(root)';

/**
 * Kustomize folds long base64 Secret data across lines; the API server ignores the line breaks
 * (Go's base64 decoder skips them) but the model's `byte` format does not.
 */
function withoutBase64LineBreaks(object: K8sObject): K8sObject {
  if (object.kind !== 'Secret' || typeof object['data'] !== 'object' || object['data'] === null)
    return object;
  const data = Object.fromEntries(
    Object.entries(object['data'] as Record<string, unknown>).map(([key, value]) => [
      key,
      typeof value === 'string' ? value.replace(/[\r\n]/g, '') : value,
    ]),
  );
  return { ...object, data };
}

/**
 * Type validation by @kubernetes-models (built-in kinds and the installed CRD packages), then the
 * strict unknown-field check; kinds without a model must have a hand-written shape.
 */
export async function validateSchemas(
  target: string,
  objects: readonly K8sObject[],
  strict: StrictChecker,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const object of objects) {
    const model = await loadModel(object.apiVersion, object.kind);
    const hasShape = strict.knows(object.apiVersion, object.kind);
    if (!model && !hasShape) {
      findings.push({
        target,
        object: objectRef(object),
        field: 'apiVersion',
        rule: 'schema',
        message: `no schema for ${typeKey(object.apiVersion, object.kind)}: add a model package or a shape in crd-shapes.ts`,
      });
      continue;
    }
    if (model) {
      try {
        new model(withoutBase64LineBreaks(object)).validate();
      } catch (error) {
        const issues = ((error as { errors?: ValidationIssue[] }).errors ?? []).slice(0, 5);
        if (issues.length === 0) issues.push({ message: String(error) });
        for (const issue of issues) {
          findings.push({
            target,
            object: objectRef(object),
            field: toField(issue.instancePath),
            rule: 'schema',
            message: issue.message ?? `${issue.keyword} ${JSON.stringify(issue.params)}`,
          });
        }
      }
    }
    for (const problem of strict.check(object)) {
      findings.push({
        target,
        object: objectRef(object),
        field: problem.field,
        rule: problem.rule,
        message: problem.message,
      });
    }
  }
  return findings;
}

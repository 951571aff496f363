import path from 'node:path';
import ts from 'typescript';
import { CRD_SHAPE_KEYS } from './crd-shapes.ts';
import { modelModule, typeKey } from './models.ts';
import type { K8sObject } from './types.ts';

export interface StrictProblem {
  readonly field: string;
  readonly rule: 'unknown-field' | 'schema';
  readonly message: string;
}

export interface StrictChecker {
  /** True when a type is known for this apiVersion/kind (model package or hand-written shape). */
  knows(apiVersion: string, kind: string): boolean;
  check(object: K8sObject): StrictProblem[];
}

const workspaceRoot = path.resolve(import.meta.dirname, '../..');

/**
 * The @kubernetes-models validators accept any extra field, so a typo such as `spec.replica`
 * passes. This checker walks each object against the TypeScript declarations of the same models
 * (read with the compiler API, so every kind they cover is covered) and reports fields the type
 * does not declare. For hand-written CRD shapes, which have no compiled validator, it also checks
 * required fields and primitive types.
 */
export function createStrictChecker(typeKeys: Iterable<string>): StrictChecker {
  const modelKeys = [...new Set(typeKeys)].filter((key) => {
    const slash = key.lastIndexOf('/');
    return modelModule(key.slice(0, slash), key.slice(slash + 1)) !== undefined;
  });
  const fileName = path.join(workspaceRoot, 'tools/manifests/__strict-registry.ts');
  const lines = modelKeys.map((key, index) => {
    const slash = key.lastIndexOf('/');
    const kind = key.slice(slash + 1);
    return `import type { I${kind} as T${index} } from '${modelModule(key.slice(0, slash), kind)}';`;
  });
  const source = [
    ...lines,
    `import type { CrdShapes } from './crd-shapes.ts';`,
    `export interface Models {`,
    ...modelKeys.map((key, index) => `  ${JSON.stringify(key)}: T${index};`),
    `}`,
    `export type Shapes = CrdShapes;`,
  ].join('\n');

  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    allowImportingTsExtensions: true,
    module: ts.ModuleKind.Preserve,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2023,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, language, ...rest) =>
    name === fileName
      ? ts.createSourceFile(name, source, language)
      : getSourceFile.call(host, name, language, ...rest);
  host.fileExists = (name) => name === fileName || fileExists.call(host, name);
  host.readFile = (name) => (name === fileName ? source : readFile.call(host, name));
  const program = ts.createProgram([fileName], options, host);
  const checker = program.getTypeChecker();
  const sourceFile = program.getSourceFile(fileName);
  const moduleSymbol = sourceFile && checker.getSymbolAtLocation(sourceFile);
  if (!moduleSymbol) throw new Error('strict-fields: could not load the model declarations');
  const exported = checker.getExportsOfModule(moduleSymbol);
  const typeOf = (name: string): ts.Type => {
    const symbol = exported.find((candidate) => candidate.name === name);
    if (!symbol) throw new Error(`strict-fields: ${name} missing`);
    return checker.getDeclaredTypeOfSymbol(symbol);
  };

  const roots = new Map<string, { type: ts.Type; full: boolean }>();
  const models = typeOf('Models');
  for (const key of modelKeys) {
    const property = models.getProperty(key);
    if (property) roots.set(key, { type: checker.getTypeOfSymbol(property), full: false });
  }
  const shapes = checker.getApparentType(typeOf('Shapes'));
  for (const key of CRD_SHAPE_KEYS) {
    const property = shapes.getProperty(key);
    if (property) roots.set(key, { type: checker.getTypeOfSymbol(property), full: true });
  }

  const isOpen = (type: ts.Type) =>
    (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) !== 0 ||
    ((type.flags & ts.TypeFlags.Object) !== 0 &&
      checker.getPropertiesOfType(type).length === 0 &&
      !checker.getIndexInfoOfType(type, ts.IndexKind.String) &&
      !checker.isArrayType(type));

  const constituents = (type: ts.Type): ts.Type[] => (type.isUnion() ? type.types : [type]);

  function primitiveMatches(value: unknown, type: ts.Type): boolean {
    if (type.isStringLiteral()) return value === type.value;
    if (type.isNumberLiteral()) return value === type.value;
    if (type.flags & ts.TypeFlags.BooleanLiteral)
      return typeof value === 'boolean' && String(value) === checker.typeToString(type);
    if (type.flags & ts.TypeFlags.StringLike) return typeof value === 'string';
    if (type.flags & ts.TypeFlags.NumberLike) return typeof value === 'number';
    if (type.flags & ts.TypeFlags.BooleanLike) return typeof value === 'boolean';
    return false;
  }

  function walk(
    value: unknown,
    declared: ts.Type,
    field: string,
    full: boolean,
    out: StrictProblem[],
  ): void {
    const type = checker.getNonNullableType(declared);
    if (value === null || value === undefined || isOpen(type)) return;
    const options = constituents(type);
    if (Array.isArray(value)) {
      const arrayType = options.find((option) => checker.isArrayType(option));
      if (!arrayType) {
        if (full || options.every((option) => !(option.flags & ts.TypeFlags.Object)))
          out.push({
            field,
            rule: 'schema',
            message: `expected ${checker.typeToString(type)}, got an array`,
          });
        return;
      }
      const element = checker.getTypeArguments(arrayType as ts.TypeReference)[0];
      if (element)
        value.forEach((item, index) => walk(item, element, `${field}[${index}]`, full, out));
      return;
    }
    if (typeof value === 'object') {
      const objects = options.filter(
        (option) => option.flags & ts.TypeFlags.Object && !checker.isArrayType(option),
      );
      if (objects.length === 0) {
        if (full)
          out.push({
            field,
            rule: 'schema',
            message: `expected ${checker.typeToString(type)}, got an object`,
          });
        return;
      }
      if (objects.some(isOpen)) return;
      const record = value as Record<string, unknown>;
      // For a union of object types, use the member that declares the most of the given keys.
      const score = (option: ts.Type) =>
        Object.keys(record).filter((key) => checker.getPropertyOfType(option, key)).length;
      const best = objects.reduce((a, b) => (score(b) > score(a) ? b : a));
      const index = checker.getIndexInfoOfType(best, ts.IndexKind.String);
      for (const [key, child] of Object.entries(record)) {
        const childField = field ? `${field}.${key}` : key;
        const property = checker.getPropertyOfType(best, key);
        if (property) walk(child, checker.getTypeOfSymbol(property), childField, full, out);
        else if (index) walk(child, index.type, childField, full, out);
        else
          out.push({ field: childField, rule: 'unknown-field', message: `unknown field "${key}"` });
      }
      if (full) {
        for (const property of checker.getPropertiesOfType(best)) {
          if (!(property.flags & ts.SymbolFlags.Optional) && !(property.name in record))
            out.push({
              field: field ? `${field}.${property.name}` : property.name,
              rule: 'schema',
              message: 'required field missing',
            });
        }
      }
      return;
    }
    if (full && !options.some((option) => primitiveMatches(value, option)))
      out.push({
        field,
        rule: 'schema',
        message: `expected ${checker.typeToString(type)}, got ${JSON.stringify(value)}`,
      });
  }

  return {
    knows: (apiVersion, kind) => roots.has(typeKey(apiVersion, kind)),
    check(object) {
      const root = roots.get(typeKey(object.apiVersion, object.kind));
      if (!root) return [];
      const out: StrictProblem[] = [];
      walk(object, root.type, '', root.full, out);
      return out;
    },
  };
}

import type { ModuleDir, TfTree } from './model.ts';
import { findLine, walkStrings } from './model.ts';
import type { Violation } from './types.ts';

/** Arguments of a module block that are not input variables. */
const META_ARGUMENTS = new Set([
  'source',
  'version',
  'providers',
  'count',
  'for_each',
  'depends_on',
]);

const MODULE_REF = /(?<![\w.])module\.([A-Za-z_][\w-]*)(?:\.([A-Za-z_][\w-]*))?/g;
const VAR_REF = /(?<![\w.])var\.([A-Za-z_][\w-]*)/g;

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function checkModuleCalls(tree: TfTree, dir: ModuleDir, violations: Violation[]): void {
  for (const call of dir.moduleCalls.values()) {
    if (!call.localDir) continue;
    const where = { file: call.file.relPath, line: call.line, block: call.address };
    const target = tree.dirs.get(call.localDir);
    if (!target) {
      violations.push({
        ruleId: 'XREF-MODULE-SOURCE',
        ...where,
        message: `source "${call.source}" is not a module directory in the tree (${call.localDir})`,
      });
      continue;
    }
    for (const input of Object.keys(call.body)) {
      if (META_ARGUMENTS.has(input) || target.variables.has(input)) continue;
      violations.push({
        ruleId: 'XREF-UNKNOWN-INPUT',
        ...where,
        message: `input "${input}" is not a variable of ${target.relDir}`,
      });
    }
    for (const [name, variable] of target.variables) {
      if ('default' in variable.body || name in call.body) continue;
      violations.push({
        ruleId: 'XREF-MISSING-INPUT',
        ...where,
        message: `required input "${name}" of ${target.relDir} is not set`,
      });
    }
  }
}

function checkReferences(tree: TfTree, dir: ModuleDir, violations: Violation[]): void {
  const reported = new Set<string>();
  for (const file of dir.files) {
    if (file.kind !== 'tf' || !file.json) continue;
    for (const { path, value } of walkStrings(file.json)) {
      if (!value.includes('${')) continue;
      const block = path.slice(0, path[0] === 'resource' || path[0] === 'data' ? 3 : 2).join('.');
      for (const match of value.matchAll(MODULE_REF)) {
        const [text, name = '', output] = match;
        const key = `${file.relPath}|${text}`;
        if (reported.has(key)) continue;
        const call = dir.moduleCalls.get(name);
        const line = findLine(file.text, new RegExp(escapeRegex(text)));
        if (!call) {
          reported.add(key);
          violations.push({
            ruleId: 'XREF-UNKNOWN-MODULE',
            file: file.relPath,
            line,
            block,
            message: `${text} refers to a module that ${dir.relDir} does not call`,
          });
          continue;
        }
        const target = call.localDir ? tree.dirs.get(call.localDir) : undefined;
        if (output !== undefined && target && !target.outputs.has(output)) {
          reported.add(key);
          violations.push({
            ruleId: 'XREF-UNKNOWN-OUTPUT',
            file: file.relPath,
            line,
            block,
            message: `${text}: ${target.relDir} has no output "${output}"`,
          });
        }
      }
      for (const match of value.matchAll(VAR_REF)) {
        const [text, name = ''] = match;
        const key = `${file.relPath}|${text}`;
        if (dir.variables.has(name) || reported.has(key)) continue;
        reported.add(key);
        const line = findLine(file.text, new RegExp(`${escapeRegex(text)}(?![\\w-])`));
        violations.push({
          ruleId: 'XREF-UNKNOWN-VARIABLE',
          file: file.relPath,
          line,
          block,
          message: `${text} is not declared in ${dir.relDir}`,
        });
      }
    }
  }
}

/** Module inputs against the called module's variables, and `module.X.Y` / `var.X` references against declarations. */
export function checkCrossReferences(tree: TfTree): Violation[] {
  const violations: Violation[] = [];
  for (const dir of tree.dirs.values()) {
    checkModuleCalls(tree, dir, violations);
    checkReferences(tree, dir, violations);
  }
  return violations;
}

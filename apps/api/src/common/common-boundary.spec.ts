import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const COMMON = import.meta.dirname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Relative imports (static, type-only, re-exports and dynamic) of a source file. */
function relativeImports(source: string): string[] {
  const specifiers = source.matchAll(/(?:from|import)\s*\(?\s*['"](\.[^'"]+)['"]/g);
  return [...specifiers].map((match) => match[1] ?? '');
}

describe('apps/api/src/common', () => {
  it('imports no feature folder: features depend on common, never the other way', () => {
    const backEdges: string[] = [];
    for (const file of sourceFiles(COMMON).filter((path) => path !== import.meta.filename)) {
      for (const specifier of relativeImports(readFileSync(file, 'utf8'))) {
        const target = relative(COMMON, resolve(dirname(file), specifier));
        if (target.startsWith('..')) backEdges.push(`${relative(COMMON, file)} → ${specifier}`);
      }
    }
    expect(backEdges).toEqual([]);
  });

  it('would notice a back-edge', () => {
    expect(relativeImports("import { StatusView } from '../statuses/status.view';")).toEqual([
      '../statuses/status.view',
    ]);
  });
});

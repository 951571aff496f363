import { readdir, readFile } from 'node:fs/promises';
import { join, relative, dirname } from 'node:path';
import { parse } from '@cdktf/hcl2json';
import type { HclBody } from './types.ts';

export type HclFileKind = 'tf' | 'tfvars';

export interface HclFile {
  /** Absolute path. */
  path: string;
  /** Path relative to the checked root, with `/` separators. */
  relPath: string;
  /** Directory relative to the checked root (`.` for the root itself). */
  relDir: string;
  kind: HclFileKind;
  text: string;
  /** Parsed body, or null when the file does not parse (see `error`). */
  json: HclBody | null;
  error?: string;
}

const SKIPPED_DIRS = new Set(['node_modules', '.terraform']);

/** Every `.tf` and `.tfvars` file below `root`, sorted, skipping `.terraform` and hidden folders. */
export async function findHclFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  async function walk(dir: string): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries) {
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && !SKIPPED_DIRS.has(entry.name))
          await walk(join(dir, entry.name));
      } else if (entry.name.endsWith('.tf') || entry.name.endsWith('.tfvars')) {
        found.push(join(dir, entry.name));
      }
    }
  }
  await walk(root);
  return found.sort();
}

function toPosix(path: string): string {
  return path.split('\\').join('/');
}

/** Reads and parses one file; a parse failure is recorded on the result rather than thrown. */
export async function loadHclFile(path: string, root: string): Promise<HclFile> {
  const text = await readFile(path, 'utf8');
  const relPath = toPosix(relative(root, path));
  const relDir = toPosix(relative(root, dirname(path))) || '.';
  const kind: HclFileKind = path.endsWith('.tfvars') ? 'tfvars' : 'tf';
  try {
    const json = (await parse(relPath, text)) as HclBody;
    return { path, relPath, relDir, kind, text, json };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      path,
      relPath,
      relDir,
      kind,
      text,
      json: null,
      error: message.replace(/^Error:\s*/, ''),
    };
  }
}

export async function loadHclTree(
  root: string,
  onFile?: (file: HclFile) => void,
): Promise<HclFile[]> {
  const paths = await findHclFiles(root);
  const files = await Promise.all(paths.map((path) => loadHclFile(path, root)));
  for (const file of files) onFile?.(file);
  return files;
}

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { lineDiff } from './line-diff.ts';
import { kustomize } from './render.ts';
import type { K8sObject } from './types.ts';

const run = promisify(execFile);

/** Hidden marker the PR workflow uses to find and update its own comment. */
export const PREVIEW_MARKER = '<!-- fediflow-manifest-preview -->';

export type ObjectChange = { key: string; kind: 'added' | 'removed' | 'changed'; diff: string[] };

export interface EnvironmentDiff {
  readonly environment: string;
  readonly changes: ObjectChange[];
  readonly unchanged: number;
}

/** Generated ConfigMaps and Secrets get a content hash suffix; compare them by their base name. */
const HASH_SUFFIX = /-[a-z0-9]{10}$/;

function objectKey(object: K8sObject): string {
  const generated = object.kind === 'ConfigMap' || object.kind === 'Secret';
  const name = generated ? object.metadata.name.replace(HASH_SUFFIX, '') : object.metadata.name;
  return `${object.kind}/${name}`;
}

/** Secret values never reach a PR comment: each is replaced by a short digest, so changes still show. */
function redact(object: K8sObject): K8sObject {
  if (object.kind !== 'Secret') return object;
  const mask = (values: unknown) =>
    Object.fromEntries(
      Object.entries((values as Record<string, string> | undefined) ?? {}).map(([key, value]) => [
        key,
        `<redacted ${createHash('sha256').update(String(value)).digest('hex').slice(0, 8)}>`,
      ]),
    );
  return {
    ...object,
    ...(object['data'] ? { data: mask(object['data']) } : {}),
    ...(object['stringData'] ? { stringData: mask(object['stringData']) } : {}),
  };
}

const toYaml = (object: K8sObject | undefined) => (object ? stringify(redact(object)) : '');

export function diffObjects(
  environment: string,
  before: readonly K8sObject[],
  after: readonly K8sObject[],
): EnvironmentDiff {
  const old = new Map(before.map((object) => [objectKey(object), object]));
  const now = new Map(after.map((object) => [objectKey(object), object]));
  const keys = [...new Set([...old.keys(), ...now.keys()])].sort();
  const changes: ObjectChange[] = [];
  let unchanged = 0;
  for (const key of keys) {
    const a = toYaml(old.get(key));
    const b = toYaml(now.get(key));
    if (a === b) unchanged++;
    else
      changes.push({
        key,
        kind: !a ? 'added' : !b ? 'removed' : 'changed',
        diff: lineDiff(a.trimEnd(), b.trimEnd()).filter((line) => (a && b ? true : line !== '@@')),
      });
  }
  return { environment, changes, unchanged };
}

async function overlayNames(root: string): Promise<string[]> {
  const dir = path.join(root, 'deploy', 'overlays');
  if (!existsSync(dir)) return [];
  return (await readdir(dir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);
}

/** Extracts `deploy/` at a git ref into a temporary directory (no worktree, nothing in .git changes). */
async function checkoutDeployTree(repoRoot: string, ref: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'fediflow-preview-'));
  const { stdout: tree } = await run('git', [
    '-C',
    repoRoot,
    'ls-tree',
    '--name-only',
    ref,
    'deploy',
  ]);
  if (tree.trim()) {
    await run('sh', [
      '-c',
      'git -C "$1" archive "$2" deploy | tar -x -C "$3"',
      'sh',
      repoRoot,
      ref,
      dir,
    ]);
  }
  return dir;
}

async function renderOverlays(
  root: string,
  names: readonly string[],
): Promise<Map<string, K8sObject[]>> {
  const rendered = new Map<string, K8sObject[]>();
  for (const name of names) {
    const dir = path.join(root, 'deploy', 'overlays', name);
    rendered.set(name, existsSync(dir) ? await kustomize(dir) : []);
  }
  return rendered;
}

export interface PreviewOptions {
  readonly repoRoot: string;
  /** Git ref to compare the working tree against (e.g. `origin/main`). */
  readonly base: string;
  readonly onProgress?: (message: string) => void;
}

/** Renders every overlay at `base` and in the working tree and diffs them per environment. */
export async function previewManifests(options: PreviewOptions): Promise<EnvironmentDiff[]> {
  const { repoRoot, base, onProgress } = options;
  await run('git', ['-C', repoRoot, 'rev-parse', '--verify', `${base}^{commit}`]).catch(() => {
    throw new Error(`unknown git ref: ${base}`);
  });
  const baseDir = await checkoutDeployTree(repoRoot, base);
  try {
    const names = [
      ...new Set([...(await overlayNames(baseDir)), ...(await overlayNames(repoRoot))]),
    ].sort();
    onProgress?.(`rendering ${names.length} overlay(s) at ${base}`);
    const before = await renderOverlays(baseDir, names);
    onProgress?.('rendering the working tree');
    const after = await renderOverlays(repoRoot, names);
    return names.map((name) => diffObjects(name, before.get(name) ?? [], after.get(name) ?? []));
  } finally {
    await rm(baseDir, { recursive: true, force: true });
  }
}

const SIGN = { added: '+', removed: '-', changed: '~' } as const;

/** Markdown for a PR comment: a summary table, then per environment one collapsible diff per object. */
export function formatPreviewMarkdown(diffs: readonly EnvironmentDiff[], base: string): string {
  const count = (diff: EnvironmentDiff, kind: ObjectChange['kind']) =>
    diff.changes.filter((change) => change.kind === kind).length;
  const lines = [
    PREVIEW_MARKER,
    `## Manifest preview: \`${base}\` → this change`,
    '',
    '| Environment | Added | Removed | Changed | Unchanged |',
    '|---|---:|---:|---:|---:|',
    ...diffs.map(
      (diff) =>
        `| ${diff.environment} | ${count(diff, 'added')} | ${count(diff, 'removed')} | ${count(diff, 'changed')} | ${diff.unchanged} |`,
    ),
    '',
  ];
  for (const diff of diffs) {
    lines.push(`### ${diff.environment}`, '');
    if (diff.changes.length === 0) {
      lines.push('No changes.', '');
      continue;
    }
    for (const change of diff.changes) {
      lines.push(
        '<details>',
        `<summary><code>${SIGN[change.kind]} ${change.key}</code> (${change.kind})</summary>`,
        '',
        '```diff',
        ...change.diff,
        '```',
        '</details>',
        '',
      );
    }
  }
  lines.push(
    '<sub>Rendered with `kubectl kustomize` by `npm run preview`. Secret values are shown as digests.</sub>',
    '',
  );
  return lines.join('\n');
}

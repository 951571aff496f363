import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import type { K8sObject, RenderedTarget, TargetKind } from './types.ts';

const run = promisify(execFile);

/** Runs `kubectl kustomize` on a directory and parses every document it prints. */
export async function kustomize(dir: string): Promise<K8sObject[]> {
  const { stdout } = await run('kubectl', ['kustomize', dir], {
    maxBuffer: 64 * 1024 * 1024,
  }).catch((error: unknown) => {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`kubectl kustomize ${dir} failed: ${stderr || String(error)}`);
  });
  return parseAllDocuments(stdout)
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((object): object is K8sObject => object !== null);
}

export interface TargetSpec {
  readonly name: string;
  readonly kind: TargetKind;
  /** Directory holding a kustomization, or a component to render on top of the base. */
  readonly dir: string;
}

/**
 * Every combination that ships, plus each component alone on the base, plus each cluster's Argo CD
 * entry point (argocd/clusters/<cluster>, a kustomization, as the bootstrap Application reads it).
 */
export async function listTargets(repoRoot: string): Promise<TargetSpec[]> {
  const subdirs = async (dir: string) =>
    (await readdir(dir, { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
  const deploy = path.join(repoRoot, 'deploy');
  return [
    ...(await subdirs(path.join(deploy, 'overlays'))).map((name) => ({
      name: `overlay/${name}`,
      kind: 'overlay' as const,
      dir: path.join(deploy, 'overlays', name),
    })),
    ...(await subdirs(path.join(deploy, 'components'))).map((name) => ({
      name: `component/${name}`,
      kind: 'component' as const,
      dir: path.join(deploy, 'components', name),
    })),
    ...(await subdirs(path.join(repoRoot, 'argocd', 'clusters'))).map((name) => ({
      name: `argocd/${name}`,
      kind: 'argocd' as const,
      dir: path.join(repoRoot, 'argocd', 'clusters', name),
    })),
  ];
}

/**
 * A component cannot be built by itself, so it is rendered on the base inside a throw-away
 * kustomization that supplies what an overlay would: a Namespace and a PUBLIC_ORIGIN.
 */
async function renderComponent(repoRoot: string, componentDir: string): Promise<K8sObject[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'fediflow-component-'));
  try {
    const rel = (target: string) => path.relative(dir, target);
    await writeFile(
      path.join(dir, 'namespace.yaml'),
      [
        'apiVersion: v1',
        'kind: Namespace',
        'metadata:',
        '  name: fediflow-component-test',
        '  labels: { environment: component-test }',
        '',
      ].join('\n'),
    );
    await writeFile(
      path.join(dir, 'kustomization.yaml'),
      [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        'namespace: fediflow-component-test',
        `resources: [${JSON.stringify(rel(path.join(repoRoot, 'deploy', 'base')))}, namespace.yaml]`,
        `components: [${JSON.stringify(rel(componentDir))}]`,
        'configMapGenerator:',
        '  - name: fediflow-config',
        '    behavior: merge',
        '    literals: [PUBLIC_ORIGIN=https://component-test.fediflow.invalid]',
        '',
      ].join('\n'),
    );
    return await kustomize(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function renderTarget(repoRoot: string, spec: TargetSpec): Promise<RenderedTarget> {
  const started = performance.now();
  const objects =
    spec.kind === 'component'
      ? await renderComponent(repoRoot, spec.dir)
      : await kustomize(spec.dir);
  return { name: spec.name, kind: spec.kind, objects, renderMs: performance.now() - started };
}

/**
 * Renders all targets, a few at a time (kubectl is CPU-bound at start-up, so more processes than
 * cores only slow each other down); `onRendered` reports progress as each finishes.
 */
export async function renderAll(
  repoRoot: string,
  onRendered?: (target: RenderedTarget) => void,
  concurrency = Math.max(2, availableParallelism()),
): Promise<RenderedTarget[]> {
  const specs = await listTargets(repoRoot);
  const results: RenderedTarget[] = new Array(specs.length);
  let next = 0;
  const worker = async () => {
    while (next < specs.length) {
      const index = next++;
      const target = await renderTarget(repoRoot, specs[index]!);
      results[index] = target;
      onRendered?.(target);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, specs.length) }, worker));
  return results;
}

/**
 * What the service images contain and which tags the image workflow pushes, read from the
 * Dockerfile, each service's webpack entry points, tools/images/docker-build.ts and
 * .github/workflows/images.yml, with git answering which commits exist.
 */
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { SERVICES } from '../../images/docker-build.ts';
import type { ImageFacts } from './types.ts';

/** The runtime stage of the Dockerfile: WORKDIR, ENTRYPOINT, CMD and what it removes. */
export function runtimeStage(dockerfile: string): {
  workdir: string;
  entrypoint: string[];
  cmd: string[];
  removed: string[];
  apk: string[];
} {
  const text = dockerfile.replace(/\\\n/g, ' ');
  const stages = text.split(/^FROM\s/m);
  const runtime =
    stages.find((stage) => /\bAS\s+runtime\b/i.test(stage.split('\n')[0] ?? '')) ?? '';
  const json = (instruction: string): string[] => {
    const match = new RegExp(`^${instruction}\\s+(\\[.*\\])\\s*$`, 'm').exec(runtime);
    return match ? (JSON.parse(match[1]!) as string[]) : [];
  };
  const removed = [...runtime.matchAll(/rm\s+-rf\s+([^&]+)/g)].flatMap((match) =>
    match[1]!.trim().split(/\s+/),
  );
  const apk = [...runtime.matchAll(/apk add[^']*'([a-z0-9-]+)/g)].map((match) => match[1]!);
  return {
    workdir: /^WORKDIR\s+(\S+)/m.exec(runtime)?.[1] ?? '/',
    entrypoint: json('ENTRYPOINT'),
    cmd: json('CMD'),
    removed,
    apk,
  };
}

function git(repoRoot: string, ...args: string[]): string | undefined {
  try {
    return execFileSync('git', args, {
      cwd: repoRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

export async function readImageFacts(repoRoot: string, repositoryUrl: string): Promise<ImageFacts> {
  const [dockerfile, workflowText] = await Promise.all([
    readFile(path.join(repoRoot, 'Dockerfile'), 'utf8'),
    readFile(path.join(repoRoot, '.github', 'workflows', 'images.yml'), 'utf8'),
  ]);
  const stage = runtimeStage(dockerfile);
  const workflow = parseYaml(workflowText) as {
    on?: { push?: { branches?: string[]; tags?: string[] } };
    env?: Record<string, string>;
  };
  const owner = /github\.com[/:]([^/]+)\//.exec(repositoryUrl)?.[1] ?? 'fediflow';
  const registry = (workflow.env?.['IMAGE_REGISTRY'] ?? 'ghcr.io/fediflow').replace(
    /\$\{\{\s*github\.repository_owner\s*\}\}/,
    owner,
  );

  // node:*-alpine ships node, npm, npx, corepack, yarn and busybox sh; apk adds tini.
  const executables = new Set(
    [
      '/usr/local/bin/node',
      '/usr/local/bin/npm',
      '/usr/local/bin/npx',
      '/usr/local/bin/corepack',
      '/usr/local/bin/yarn',
      '/bin/sh',
      ...(stage.apk.includes('tini') ? ['/sbin/tini'] : []),
    ].filter((file) => !stage.removed.includes(file)),
  );

  const bundles = new Map<string, Set<string>>();
  for (const service of SERVICES) {
    const config = await readFile(
      path.join(repoRoot, 'apps', service, 'webpack.config.cjs'),
      'utf8',
    ).catch(() => '');
    const entries = ['main', ...[...config.matchAll(/entryName:\s*'([\w-]+)'/g)].map((m) => m[1]!)];
    bundles.set(
      service,
      new Set(entries.map((entry) => path.posix.join(stage.workdir, `${entry}.js`))),
    );
  }

  // The workflow builds on pushes to these branches and tags; docker-build.ts tags each image
  // with the commit and the branch (or tag) name. A commit gets images only when the plan job
  // builds them: the recipe files changed (the workflow's own regex) or an app or lib did.
  const branches = workflow.on?.push?.branches ?? [];
  const tagGlobs = workflow.on?.push?.tags ?? [];
  const recipe = /grep -qE '([^']+)'/.exec(workflowText)?.[1];
  const recipeChanged = recipe ? new RegExp(recipe) : undefined;
  const releaseTags = new Set((git(repoRoot, 'tag', '--list') ?? '').split('\n').filter(Boolean));
  const globMatch = (glob: string, value: string) =>
    new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(value);
  const built = new Map<string, boolean>();
  const builtAt = (sha: string): boolean => {
    if (!built.has(sha)) built.set(sha, commitBuilt(sha));
    return built.get(sha)!;
  };
  const commitBuilt = (sha: string): boolean => {
    if (git(repoRoot, 'cat-file', '-t', sha) !== 'commit') return false;
    if (git(repoRoot, 'merge-base', '--is-ancestor', sha, 'HEAD') === undefined) return false;
    const changed = (
      git(repoRoot, 'diff-tree', '--no-commit-id', '--name-only', '-r', '--root', sha) ?? ''
    )
      .split('\n')
      .filter(Boolean);
    return changed.some(
      (file) => recipeChanged?.test(file) || file.startsWith('apps/') || file.startsWith('libs/'),
    );
  };
  return {
    registry,
    services: SERVICES,
    workdir: stage.workdir,
    entrypoint: stage.entrypoint,
    cmd: stage.cmd,
    executables,
    bundles,
    isProducedTag: (tag) =>
      (/^[0-9a-f]{40}$/.test(tag) && builtAt(tag)) ||
      branches.includes(tag) ||
      (tagGlobs.some((glob) => globMatch(glob, tag)) && releaseTags.has(tag)),
    producedTags: `a full commit SHA of ${branches.join('/') || 'a built branch'} that changed the services or the image recipe, ${[...branches].join(', ')}, or a git tag matching ${tagGlobs.join(', ')}`,
  };
}

/**
 * The GitOps repository's URL is written once, in argocd/base/repository.yaml; kustomize
 * replacements put it everywhere else. A copy anywhere in argocd/ or deploy/ is a second place
 * to forget when the repository moves.
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';

export const REPOSITORY_FILE = 'argocd/base/repository.yaml';

export async function repositoryUrl(repoRoot: string): Promise<string> {
  const config = parse(await readFile(path.join(repoRoot, REPOSITORY_FILE), 'utf8')) as {
    data?: { url?: string };
  };
  if (!config.data?.url) throw new Error(`${REPOSITORY_FILE} has no data.url`);
  return config.data.url;
}

/** `file:line` of every other occurrence of the URL (with or without `.git`) under `dirs`. */
export async function hardCodedRepositoryUrls(
  repoRoot: string,
  dirs: readonly string[] = ['argocd', 'deploy'],
): Promise<string[]> {
  const url = (await repositoryUrl(repoRoot)).replace(/\.git$/, '');
  const found: string[] = [];
  for (const dir of dirs) {
    const files = (await readdir(path.join(repoRoot, dir), { recursive: true }))
      .filter((file) => /\.ya?ml$/.test(file))
      .sort();
    for (const file of files) {
      const relative = path.posix.join(dir, file.split(path.sep).join('/'));
      if (relative === REPOSITORY_FILE) continue;
      const lines = (await readFile(path.join(repoRoot, relative), 'utf8')).split('\n');
      lines.forEach((line, index) => {
        if (line.includes(url)) found.push(`${relative}:${index + 1}`);
      });
    }
  }
  return found;
}

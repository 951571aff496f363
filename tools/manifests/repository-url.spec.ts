import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hardCodedRepositoryUrls, repositoryUrl } from './repository-url.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');

describe('the GitOps repository URL', () => {
  it('is written once, in argocd/base/repository.yaml', async () => {
    expect(await repositoryUrl(repoRoot)).toMatch(/^https:\/\/github\.com\/.+\.git$/);
    expect(await hardCodedRepositoryUrls(repoRoot)).toEqual([]);
  });

  it('rejects an Application that hard-codes it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'fediflow-repo-url-'));
    try {
      await cp(path.join(repoRoot, 'argocd'), path.join(dir, 'argocd'), { recursive: true });
      await writeFile(
        path.join(dir, 'argocd/addons/extra.yaml'),
        `spec:\n  source:\n    repoURL: ${await repositoryUrl(repoRoot)}\n`,
      );
      expect(await hardCodedRepositoryUrls(dir, ['argocd'])).toEqual([
        'argocd/addons/extra.yaml:3',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lineDiff } from './line-diff.ts';
import {
  formatPreviewMarkdown,
  PREVIEW_MARKER,
  previewManifests,
  type EnvironmentDiff,
} from './preview.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
let repo: string;

function write(file: string, content: string) {
  mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
  writeFileSync(path.join(repo, file), content);
}
const git = (...args: string[]) =>
  execFileSync(
    'git',
    ['-C', repo, '-c', 'user.name=test', '-c', 'user.email=test@example.invalid', ...args],
    { encoding: 'utf8' },
  );

const deployment = (image: string) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: api }
spec:
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec:
      containers: [{ name: app, image: ${image} }]
`;

/** A fixture repository: commit 1, then commit 2 changes dev and leaves staging alone. */
beforeAll(() => {
  repo = mkdtempSync(path.join(tmpdir(), 'fediflow-preview-spec-'));
  git('init', '-q', '-b', 'main');
  write('deploy/base/kustomization.yaml', 'resources: [deployment.yaml, old.yaml]\n');
  write('deploy/base/deployment.yaml', deployment('ghcr.io/fediflow/api:1.0.0'));
  write('deploy/base/old.yaml', 'apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: old }\n');
  for (const env of ['dev', 'staging'])
    write(
      `deploy/overlays/${env}/kustomization.yaml`,
      `namespace: fediflow-${env}\nresources: [../../base]\nsecretGenerator:\n  - name: creds\n    literals: [DATABASE_URL=postgres://one@db/${env}]\n`,
    );
  git('add', '.');
  git('commit', '-qm', 'one');
  write(
    'deploy/overlays/dev/kustomization.yaml',
    [
      'namespace: fediflow-dev',
      'resources: [../../base, service.yaml]',
      'images: [{ name: ghcr.io/fediflow/api, newTag: 1.1.0 }]',
      'secretGenerator:',
      '  - name: creds',
      '    literals: [DATABASE_URL=postgres://two-secret-password@db/dev]',
      'patches:',
      '  - target: { kind: ServiceAccount, name: old }',
      '    patch: |',
      '      $patch: delete',
      '      apiVersion: v1',
      '      kind: ServiceAccount',
      '      metadata: { name: old }',
      '',
    ].join('\n'),
  );
  write(
    'deploy/overlays/dev/service.yaml',
    'apiVersion: v1\nkind: Service\nmetadata: { name: api }\nspec: { selector: { app: api }, ports: [{ port: 80 }] }\n',
  );
  git('add', '.');
  git('commit', '-qm', 'two');
});

afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe('previewManifests', () => {
  let diffs: EnvironmentDiff[];
  beforeAll(async () => {
    diffs = await previewManifests({ repoRoot: repo, base: 'HEAD~1' });
  }, 30_000);

  it('lists added, removed and changed objects per environment', () => {
    const dev = diffs.find((diff) => diff.environment === 'dev')!;
    const summary = Object.fromEntries(dev.changes.map((change) => [change.key, change.kind]));
    expect(summary).toEqual({
      'Deployment/api': 'changed',
      'Secret/creds': 'changed',
      'Service/api': 'added',
      'ServiceAccount/old': 'removed',
    });
    expect(dev.changes.find((change) => change.key === 'Deployment/api')!.diff).toEqual(
      expect.arrayContaining([
        '-        - image: ghcr.io/fediflow/api:1.0.0',
        '+        - image: ghcr.io/fediflow/api:1.1.0',
      ]),
    );
    expect(diffs.find((diff) => diff.environment === 'staging')).toMatchObject({
      changes: [],
      unchanged: 3,
    });
  });

  it('formats a PR comment with the marker, a summary and no secret values', () => {
    const markdown = formatPreviewMarkdown(diffs, 'HEAD~1');
    expect(markdown.startsWith(PREVIEW_MARKER)).toBe(true);
    expect(markdown).toContain('| dev | 1 | 1 | 2 | 0 |');
    expect(markdown).toContain('| staging | 0 | 0 | 0 | 3 |');
    expect(markdown).toContain('<summary><code>+ Service/api</code> (added)</summary>');
    expect(markdown).toMatch(/DATABASE_URL: <redacted [0-9a-f]{8}>/);
    const encoded = Buffer.from('postgres://two-secret-password@db/dev').toString('base64');
    expect(markdown).not.toContain('two-secret-password');
    expect(markdown).not.toContain(encoded.slice(0, 20));
  });

  it('treats a base without deploy/ as everything added, and refuses an unknown ref', async () => {
    git('checkout', '-q', '--orphan', 'empty');
    git('rm', '-rqf', '.');
    write('README.md', 'nothing\n');
    git('add', 'README.md');
    git('commit', '-qm', 'empty');
    git('checkout', '-qf', 'main');
    const fromEmpty = await previewManifests({ repoRoot: repo, base: 'empty' });
    expect(
      fromEmpty
        .find((diff) => diff.environment === 'dev')!
        .changes.every((change) => change.kind === 'added'),
    ).toBe(true);
    await expect(previewManifests({ repoRoot: repo, base: 'no-such-ref' })).rejects.toThrow(
      /unknown git ref: no-such-ref/,
    );
  }, 30_000);
});

describe('lineDiff', () => {
  it('keeps context around changes and elides the rest', () => {
    const before = Array.from({ length: 20 }, (_, index) => `line ${index}`).join('\n');
    const after = before.replace('line 10', 'line ten');
    expect(lineDiff(before, after, 1)).toEqual([
      '@@',
      ' line 9',
      '-line 10',
      '+line ten',
      ' line 11',
      '@@',
    ]);
  });
});

describe('preview-manifests CLI', () => {
  it('writes the Markdown to --output and needs --base', () => {
    const tsx = path.join(repoRoot, 'node_modules/tsx/dist/cli.mjs');
    const output = path.join(repo, 'preview.md');
    const cli = path.join(repoRoot, 'tools/preview-manifests.ts');
    expect(() => execFileSync(process.execPath, [tsx, cli], { stdio: 'pipe' })).toThrow(
      /--base <git-ref> is required/,
    );
    execFileSync(process.execPath, [tsx, cli, '--base', 'HEAD', '--output', output], {
      cwd: repoRoot,
      stdio: 'pipe',
    });
    expect(readFileSync(output, 'utf8')).toContain(PREVIEW_MARKER);
  }, 30_000);
});

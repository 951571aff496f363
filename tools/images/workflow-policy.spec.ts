import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const workflows = path.join(repoRoot, '.github/workflows');
type Step = { name?: string; uses?: string; run?: string; env?: Record<string, string> };
const images = parse(readFileSync(path.join(workflows, 'images.yml'), 'utf8')) as {
  jobs: Record<string, { steps: Step[] }>;
};

describe('GitHub Actions supply chain', () => {
  it('pins every action by commit SHA', () => {
    const unpinned: string[] = [];
    for (const file of readdirSync(workflows).filter((name) => name.endsWith('.yml')))
      for (const match of readFileSync(path.join(workflows, file), 'utf8').matchAll(
        /uses:\s*(\S+)/g,
      ))
        if (!/@[0-9a-f]{40}$/.test(match[1]!)) unpinned.push(`${file}: ${match[1]}`);
    expect(unpinned).toEqual([]);
  });

  it('lets Dependabot update the pinned actions', () => {
    const config = parse(readFileSync(path.join(repoRoot, '.github/dependabot.yml'), 'utf8')) as {
      updates: Array<{ 'package-ecosystem': string }>;
    };
    expect(config.updates.map((update) => update['package-ecosystem'])).toContain('github-actions');
  });

  it('pushes only a candidate, scans both architectures, tests and signs it, then publishes the tags', () => {
    const steps = images.jobs['image']!.steps;
    const at = (predicate: (step: Step) => boolean) => steps.findIndex(predicate);
    const build = at((step) => step.run?.includes('docker-build') ?? false);
    const scans = steps
      .map((step, index) => (step.uses?.startsWith('aquasecurity/trivy-action') ? index : -1))
      .filter((index) => index >= 0);
    const smoke = at((step) => step.name?.startsWith('Smoke test') ?? false);
    const sign = at((step) => step.run?.includes('cosign sign') ?? false);
    const publish = at((step) => step.run?.includes('imagetools create') ?? false);
    expect(steps[build]!.run).toContain('--candidate');
    expect(scans.map((index) => steps[index]!.env?.['TRIVY_PLATFORM']).sort()).toEqual([
      'linux/amd64',
      'linux/arm64',
    ]);
    expect(Math.max(...scans)).toBeLessThan(smoke);
    expect(build).toBeLessThan(Math.min(...scans));
    expect(smoke).toBeLessThan(sign);
    expect(sign).toBeLessThan(publish);
  });
});

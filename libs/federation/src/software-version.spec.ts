import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fediflowVersion, UNKNOWN_VERSION } from './software-version';

describe('fediflowVersion', () => {
  const dirs: string[] = [];
  const dirWith = (manifest: unknown): string => {
    const dir = mkdtempSync(join(tmpdir(), 'fediflow-version-'));
    dirs.push(dir);
    if (manifest !== undefined) writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("reads the workspace's and the image's package.json", () => {
    expect(fediflowVersion(dirWith({ name: 'fediflow', version: '1.2.3' }))).toBe('1.2.3');
    expect(fediflowVersion(dirWith({ name: '@fediflow/federation', version: '2.0.0' }))).toBe(
      '2.0.0',
    );
  });

  it("ignores another package's manifest, a missing or unreadable one", () => {
    expect(fediflowVersion(dirWith({ name: 'vitest', version: '4.1.12' }))).toBe(UNKNOWN_VERSION);
    const broken = dirWith(undefined);
    writeFileSync(join(broken, 'package.json'), '{ not json');
    expect(fediflowVersion(broken)).toBe(UNKNOWN_VERSION);
  });

  it('looks upwards from a project folder to the workspace manifest', () => {
    const root = dirWith({ name: 'fediflow', version: '3.1.4' });
    const project = join(root, 'apps', 'federation');
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'vitest-project' }));
    expect(fediflowVersion(project)).toBe('3.1.4');
  });
});

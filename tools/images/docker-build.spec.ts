import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { branchTag, buildxArgs, DEFAULT_PLATFORMS, gitMetadata } from './docker-build.ts';

const script = join(import.meta.dirname, 'docker-build.ts');
const scratch = mkdtempSync(join(tmpdir(), 'fediflow-docker-build-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A directory holding a fake `docker` whose behaviour is a shell snippet; it logs its args. */
function fakeDocker(name: string, body: string): { path: string; log: string } {
  const dir = join(scratch, name);
  const log = join(dir, 'calls.log');
  spawnSync('mkdir', ['-p', dir]);
  writeFileSync(join(dir, 'docker'), `#!/bin/sh\necho "$*" >> ${log}\n${body}\n`);
  chmodSync(join(dir, 'docker'), 0o755);
  return { path: dir, log };
}

function runScript(args: string[], pathPrefix: string) {
  return spawnSync(process.execPath, [script, ...args], {
    encoding: 'utf8',
    env: { PATH: `${pathPrefix}:/usr/bin:/bin`, HOME: scratch },
  });
}

const metadata = {
  revision: '0123456789abcdef0123456789abcdef01234567',
  branch: 'feature/images',
  version: 'v1.2.3',
  created: '2026-11-26T00:00:00.000Z',
  source: 'https://github.com/fediflow/fediflow',
};

describe('docker-build', () => {
  it('builds both architectures, tags sha and branch, and labels from git', () => {
    const args = buildxArgs({
      service: 'federation',
      registry: 'ghcr.io/fediflow',
      platforms: DEFAULT_PLATFORMS,
      push: true,
      load: false,
      metadata,
    }).join(' ');
    expect(args).toMatch(/^buildx build /);
    expect(args).toContain('--platform linux/amd64,linux/arm64');
    expect(args).toContain('--build-arg SERVICE=federation');
    expect(args).toContain(`--build-arg REVISION=${metadata.revision}`);
    expect(args).toContain('--build-arg VERSION=v1.2.3');
    expect(args).toContain('--build-arg CREATED=2026-11-26T00:00:00.000Z');
    expect(args).toContain(`--tag ghcr.io/fediflow/federation:${metadata.revision}`);
    expect(args).toContain('--tag ghcr.io/fediflow/federation:feature-images');
    expect(args).toContain('--push --sbom=true');
  });

  it('tags a candidate build only :candidate-<sha>, so nothing consumes it before the scan', () => {
    const args = buildxArgs({
      service: 'api',
      registry: 'ghcr.io/fediflow',
      platforms: DEFAULT_PLATFORMS,
      push: true,
      load: false,
      candidate: true,
      metadata,
    });
    expect(args.filter((_, index) => args[index - 1] === '--tag')).toEqual([
      `ghcr.io/fediflow/api:candidate-${metadata.revision}`,
    ]);
    expect(args.join(' ')).toContain('--platform linux/amd64,linux/arm64');
  });

  it('turns branch names into valid tags', () => {
    expect(branchTag('feature/Images_2.x')).toBe('feature-Images_2.x');
    expect(branchTag('.hidden')).toBe('hidden');
    expect(branchTag('x'.repeat(200))).toHaveLength(128);
  });

  it('reads the revision from git', () => {
    expect(gitMetadata({}).revision).toMatch(/^[0-9a-f]{40}$/);
  });

  it('fails with a clear message when docker buildx is missing', () => {
    const docker = fakeDocker(
      'no-buildx',
      `echo "docker: 'buildx' is not a docker command." >&2; exit 1`,
    );
    const result = runScript(['api'], docker.path);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Cannot build the api image: docker buildx is not available');
    expect(readFileSync(docker.log, 'utf8').trim().split('\n')).toEqual(['buildx version']);
  });

  it('runs docker buildx build when buildx answers, and passes its exit code on', () => {
    const docker = fakeDocker(
      'with-buildx',
      `case "$2" in version) echo "github.com/docker/buildx v0.30.0";; build) exit 7;; esac`,
    );
    const result = runScript(['workers', '--push'], docker.path);
    expect(result.status).toBe(7);
    const calls = readFileSync(docker.log, 'utf8').trim().split('\n');
    expect(calls[0]).toBe('buildx version');
    expect(calls[1]).toMatch(/^buildx build .*--platform linux\/amd64,linux\/arm64 /);
    expect(calls[1]).toContain('--build-arg SERVICE=workers');
  });

  it('rejects an unknown service', () => {
    const result = runScript(['gateway'], scratch);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('name one service: api, federation, workers');
  });
});

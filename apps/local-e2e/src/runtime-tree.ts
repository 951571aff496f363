/**
 * The runtime stage's /app of a service image, assembled on this machine without a Docker engine,
 * the way the Dockerfile assembles it: the bundle from dist/apps/<service> with the production
 * package.json (tools/images/production-manifest.ts), plus `npm ci --omit=dev --ignore-scripts`
 * of that package.json + lockfile, pruned by docker/prune-node-modules.sh, everything a-w.
 *
 * The installed node_modules is cached under node_modules/.cache/fediflow-images by a hash of
 * everything that decides it (dependencies, root lockfile, prune script), so repeated runs only
 * copy it.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// The same code the image build runs; relative because it is a tool script, not a library.
// eslint-disable-next-line @nx/enforce-module-boundaries
import {
  productionLockfile,
  productionPackageJson,
} from '../../../tools/images/production-manifest.ts';

export const workspaceRoot = join(import.meta.dirname, '../../..');
const cacheRoot = join(workspaceRoot, 'node_modules/.cache/fediflow-images');
const pruneScript = join(workspaceRoot, 'docker/prune-node-modules.sh');

export interface RuntimeTree {
  readonly service: string;
  /** The directory that is /app in the image. */
  readonly dir: string;
  /** Bytes of the bundle and of node_modules (apparent sizes). */
  readonly bundleBytes: number;
  readonly nodeModulesBytes: number;
  /** Whether node_modules came from the cache. */
  readonly cached: boolean;
  remove(): void;
}

/** Sum of the apparent sizes of the files under `path`. */
export function treeBytes(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + treeBytes(join(path, name)), 0);
}

/** node_modules for `pkg`, installed and pruned once per content hash. */
function productionNodeModules(
  service: string,
  pkg: ReturnType<typeof productionPackageJson>,
): { dir: string; cached: boolean } {
  const hash = createHash('sha256')
    .update(JSON.stringify(pkg))
    .update(readFileSync(join(workspaceRoot, 'package-lock.json')))
    .update(readFileSync(pruneScript))
    .digest('hex')
    .slice(0, 16);
  const target = join(cacheRoot, `${service}-${hash}`);
  if (existsSync(join(target, 'node_modules')))
    return { dir: join(target, 'node_modules'), cached: true };

  mkdirSync(cacheRoot, { recursive: true });
  const staging = mkdtempSync(join(cacheRoot, `.${service}-`));
  writeFileSync(join(staging, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  writeFileSync(join(staging, 'package-lock.json'), productionLockfile(pkg));
  execFileSync(
    'npm',
    ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
    { cwd: staging, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  execFileSync('sh', [pruneScript, join(staging, 'node_modules')]);
  execFileSync('chmod', ['-R', 'a-w', join(staging, 'node_modules')]);
  // Older installs of this service are stale now; root may delete read-only trees, others chmod.
  for (const entry of readdirSync(cacheRoot).filter((name) => name.startsWith(`${service}-`))) {
    execFileSync('find', [
      join(cacheRoot, entry),
      '-type',
      'd',
      '-exec',
      'chmod',
      'u+w',
      '{}',
      '+',
    ]);
    rmSync(join(cacheRoot, entry), { recursive: true, force: true });
  }
  renameSync(staging, target);
  return { dir: join(target, 'node_modules'), cached: false };
}

/** Assembles /app for `service` in a fresh temporary directory, readable but not writable. */
export function assembleRuntimeTree(service: string): RuntimeTree {
  const bundleDir = join(workspaceRoot, 'dist/apps', service);
  if (!existsSync(join(bundleDir, 'main.js'))) {
    throw new Error(`${bundleDir}/main.js is missing: build first (npx nx build ${service})`);
  }
  const pkg = productionPackageJson(service, bundleDir);
  const nodeModules = productionNodeModules(service, pkg);

  const parent = mkdtempSync(join(tmpdir(), `fediflow-image-${service}-`));
  chmodSync(parent, 0o755);
  const dir = join(parent, 'app');
  cpSync(bundleDir, dir, {
    recursive: true,
    filter: (source) => !source.endsWith('package-lock.json') && !source.endsWith('package.json'),
  });
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  const bundleBytes = treeBytes(dir);
  // Hard links when the cache and the temporary directory share a filesystem: same bytes and
  // modes as a copy (the cached files are already a-w), in a fraction of the time.
  try {
    execFileSync('cp', ['-al', nodeModules.dir, join(dir, 'node_modules')], { stdio: 'ignore' });
  } catch {
    rmSync(join(dir, 'node_modules'), { recursive: true, force: true });
    execFileSync('cp', ['-a', nodeModules.dir, join(dir, 'node_modules')]);
  }
  execFileSync('chmod', ['-R', 'a-w', dir]);
  return {
    service,
    dir,
    bundleBytes,
    nodeModulesBytes: treeBytes(join(dir, 'node_modules')),
    cached: nodeModules.cached,
    remove: () => {
      // Deleting needs write permission on directories only; files may be links into the cache.
      execFileSync('find', [parent, '-type', 'd', '-exec', 'chmod', 'u+w', '{}', '+']);
      rmSync(parent, { recursive: true, force: true });
    },
  };
}

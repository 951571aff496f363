/**
 * Writes the package.json + package-lock.json that the image's production-dependencies stage
 * installs with `npm ci --omit=dev`, for one built service.
 *
 * Why not use Nx's generated lockfile as is: with `generatePackageJson`, @nx/webpack 23.2.1 prunes
 * the root lockfile but misplaces nested copies (typeorm's `cliui` and `wrap-ansi` need
 * string-width@7 in their own node_modules; Nx moves it under `yargs/`), so `npm ci` stops with
 * `Missing: string-width@7.2.0 from lock file`. Its package.json also omits `tslib`, which the
 * bundle requires (importHelpers), and it names packages only a dev tool uses. So: take the
 * production dependencies from Nx's package.json plus every package the bundle `require`s, pin them as the root package.json (else the root lockfile)
 * does, and let npm itself prune the
 * root lockfile to them (`--package-lock-only --offline`: no network, same resolved versions).
 *
 * Usage: tsx tools/images/production-manifest.ts <service> [output-dir]
 *   output-dir defaults to dist/apps/<service> (the image build rewrites both files there).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const workspaceRoot = join(import.meta.dirname, '../..');

interface PackageJson {
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
  overrides?: Record<string, unknown>;
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

/** The package name of a bare `require` specifier (`@scope/name/sub` → `@scope/name`). */
export function packageName(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) {
    return undefined;
  }
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return name && !builtinModules.includes(name) ? name : undefined;
}

/** Packages the bundle loads at run time: webpack leaves externals as `require("name")`. */
export function requiredPackages(bundleDir: string): string[] {
  const names = new Set<string>();
  for (const file of readdirSync(bundleDir).filter((name) => name.endsWith('.js'))) {
    const source = readFileSync(join(bundleDir, file), 'utf8');
    for (const [, specifier] of source.matchAll(/\brequire\("([^"]+)"\)/g)) {
      const name = specifier ? packageName(specifier) : undefined;
      if (name) names.add(name);
    }
  }
  return [...names].sort();
}

/** The production package.json: Nx's dependencies plus what the bundle requires, root-pinned. */
export function productionPackageJson(service: string, bundleDir: string): PackageJson {
  const generated = readJson<PackageJson>(join(bundleDir, 'package.json'));
  const root = readJson<PackageJson>(join(workspaceRoot, 'package.json'));
  const dependencies: Record<string, string> = {};
  const required = requiredPackages(bundleDir);
  // Nx's list also names packages its graph merely reaches (esbuild through a tools file, 11 MB):
  // keep those the root declares for production or the bundle loads.
  const names = new Set([
    ...Object.keys(generated.dependencies ?? {}).filter(
      (name) => root.dependencies?.[name] !== undefined || required.includes(name),
    ),
    ...required,
  ]);
  const locked = readJson<{ packages: Record<string, { version?: string }> }>(
    join(workspaceRoot, 'package-lock.json'),
  ).packages;
  for (const name of [...names].sort()) {
    // The root pin first; then Nx's entry (it lists transitive packages the bundle imports, e.g.
    // fastify, at their locked version); then the hoisted version in the root lockfile.
    const version =
      root.dependencies?.[name] ??
      generated.dependencies?.[name] ??
      locked[`node_modules/${name}`]?.version;
    if (!version) {
      throw new Error(`${service} requires ${name}, which the root lockfile does not contain`);
    }
    dependencies[name] = version;
  }
  return {
    name: `@fediflow/${service}`,
    version: root.version ?? '0.0.0',
    dependencies,
    // The root overrides keep typeorm's optional ioredis peer on the workspace's ioredis; the lock
    // was resolved with them, so the pruned lock only matches with them too.
    overrides: root.overrides ?? {},
  };
}

/** Prunes the root lockfile to `pkg` with npm (offline) and returns the lockfile text. */
export function productionLockfile(pkg: PackageJson, npm = 'npm'): string {
  const dir = mkdtempSync(join(tmpdir(), 'fediflow-lock-'));
  try {
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
    writeFileSync(
      join(dir, 'package-lock.json'),
      readFileSync(join(workspaceRoot, 'package-lock.json')),
    );
    execFileSync(
      npm,
      [
        'install',
        '--package-lock-only',
        '--offline',
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        '--engine-strict=false',
      ],
      { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    return readFileSync(join(dir, 'package-lock.json'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Writes both files for `service` into `outputDir`. */
export function writeProductionManifest(service: string, outputDir: string): void {
  const bundleDir = join(workspaceRoot, 'dist/apps', service);
  const pkg = productionPackageJson(service, bundleDir);
  const lockfile = productionLockfile(pkg);
  mkdirSync(outputDir, { recursive: true });
  writeFileSync(join(outputDir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  writeFileSync(join(outputDir, 'package-lock.json'), lockfile);
}

if (process.argv[1] === import.meta.filename) {
  const [service, outputDir] = process.argv.slice(2);
  if (!service || service === '--help' || service === '-h') {
    console.error('Usage: tsx tools/images/production-manifest.ts <service> [output-dir]');
    process.exit(service ? 0 : 2);
  }
  writeProductionManifest(service, outputDir ?? join(workspaceRoot, 'dist/apps', service));
  console.log(`production package.json + package-lock.json for ${service} written`);
}

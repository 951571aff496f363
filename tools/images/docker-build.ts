/**
 * The `docker-build` target of api, federation and workers (`npx nx docker-build api`,
 * `npx nx affected -t docker-build`): one multi-architecture `docker buildx build` of the shared
 * Dockerfile, tagged with the commit and the branch and labelled from git (OCI annotations).
 *
 * It fails, never silently passes, when buildx is missing: an image target that "succeeds"
 * without building would let CI publish nothing and report green.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

export const SERVICES = ['api', 'federation', 'workers'] as const;
export type Service = (typeof SERVICES)[number];
export const DEFAULT_PLATFORMS = 'linux/amd64,linux/arm64';
export const DEFAULT_REGISTRY = 'ghcr.io/fediflow';

const workspaceRoot = join(import.meta.dirname, '../..');

const USAGE = `Usage: tsx tools/images/docker-build.ts <api|federation|workers> [options]
       npx nx docker-build <service> [-- options]   npx nx affected -t docker-build

Builds ghcr.io/fediflow/<service>:<sha> and :<branch> for ${DEFAULT_PLATFORMS} with docker buildx.
Without --push the result stays in the build cache (a multi-platform image cannot be --load-ed).
  --push              push to the registry (CI; needs docker login)
  --candidate         tag only :candidate-<sha> (CI pushes that, scans and signs it, then publishes
                      the same digest as :<sha> and :<branch>; see .github/workflows/images.yml)
  --load              build for this machine's platform only and load it into docker
  --platform <list>   override the platforms (default ${DEFAULT_PLATFORMS})
  --registry <name>   image repository prefix (default $IMAGE_REGISTRY or ${DEFAULT_REGISTRY})
  --dry-run           print the docker command instead of running it
  -h, --help          show this help`;

export interface BuildMetadata {
  revision: string;
  branch: string;
  version: string;
  created: string;
  source: string;
}

export interface BuildOptions {
  service: Service;
  registry: string;
  platforms: string;
  push: boolean;
  load: boolean;
  /** Tag only `:candidate-<sha>`: nothing consumes it until it is scanned, tested and signed. */
  candidate?: boolean;
  metadata: BuildMetadata;
}

/** The tags a build gets: the commit and the branch, or only the unpublished candidate tag. */
export function imageTags(
  options: Pick<BuildOptions, 'service' | 'registry' | 'candidate' | 'metadata'>,
): string[] {
  const image = `${options.registry}/${options.service}`;
  return options.candidate
    ? [`${image}:candidate-${options.metadata.revision}`]
    : [`${image}:${options.metadata.revision}`, `${image}:${branchTag(options.metadata.branch)}`];
}

/** A branch name as a valid image tag: `feature/x` → `feature-x` (max 128 characters). */
export function branchTag(branch: string): string {
  const tag = branch
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, 128);
  return tag || 'detached';
}

/** The arguments after `docker`. */
export function buildxArgs(options: BuildOptions): string[] {
  const { service, metadata } = options;
  const args = [
    'buildx',
    'build',
    '--file',
    join(workspaceRoot, 'Dockerfile'),
    '--platform',
    options.load ? currentPlatform() : options.platforms,
    '--build-arg',
    `SERVICE=${service}`,
    '--build-arg',
    `REVISION=${metadata.revision}`,
    '--build-arg',
    `VERSION=${metadata.version}`,
    '--build-arg',
    `CREATED=${metadata.created}`,
    '--build-arg',
    `SOURCE=${metadata.source}`,
    ...imageTags(options).flatMap((tag) => ['--tag', tag]),
  ];
  if (options.push) args.push('--push', '--sbom=true', '--provenance=mode=max');
  else if (options.load) args.push('--load');
  args.push(workspaceRoot);
  return args;
}

function currentPlatform(): string {
  return `linux/${process.arch === 'x64' ? 'amd64' : process.arch}`;
}

function git(...args: string[]): string | undefined {
  const result = spawnSync('git', args, { cwd: workspaceRoot, encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** Revision, branch, version, creation time and source URL from git (and CI variables). */
export function gitMetadata(env: NodeJS.ProcessEnv = process.env): BuildMetadata {
  const revision = git('rev-parse', 'HEAD') ?? 'unknown';
  const branch = env['GITHUB_REF_NAME'] ?? git('rev-parse', '--abbrev-ref', 'HEAD') ?? 'detached';
  const version = git('describe', '--tags', '--always', '--dirty') ?? revision.slice(0, 12);
  // SOURCE_DATE_EPOCH makes rebuilds of one commit reproducible; otherwise the commit time.
  const epoch = env['SOURCE_DATE_EPOCH'] ?? git('log', '-1', '--format=%ct');
  const created = new Date(epoch ? Number(epoch) * 1000 : Date.now()).toISOString();
  const remote = git('remote', 'get-url', 'origin');
  const source =
    env['GITHUB_SERVER_URL'] && env['GITHUB_REPOSITORY']
      ? `${env['GITHUB_SERVER_URL']}/${env['GITHUB_REPOSITORY']}`
      : remote
        ? remote.replace(/^git@([^:]+):/, 'https://$1/').replace(/\.git$/, '')
        : 'https://github.com/fediflow/fediflow';
  return { revision, branch, version, created, source };
}

/** Why `docker buildx` cannot run here, or undefined when it can. */
export function buildxProblem(): string | undefined {
  const result = spawnSync('docker', ['buildx', 'version'], { encoding: 'utf8' });
  if (result.error) return `the docker CLI is not installed (${result.error.message})`;
  if (result.status !== 0) {
    const detail = `${result.stderr}${result.stdout}`.trim().split('\n')[0] ?? '';
    return `docker buildx is not available (${detail || `exit ${result.status}`})`;
  }
  return undefined;
}

function main(): number {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      push: { type: 'boolean' },
      candidate: { type: 'boolean' },
      load: { type: 'boolean' },
      platform: { type: 'string' },
      registry: { type: 'string' },
      'dry-run': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const service = positionals[0];
  if (!SERVICES.includes(service as Service) || positionals.length !== 1) {
    console.error(`✖ name one service: ${SERVICES.join(', ')}\n\n${USAGE}`);
    return 2;
  }
  if (values.push && values.load) {
    console.error('✖ --push and --load exclude each other');
    return 2;
  }
  const args = buildxArgs({
    service: service as Service,
    registry: values.registry ?? process.env['IMAGE_REGISTRY'] ?? DEFAULT_REGISTRY,
    platforms: values.platform ?? DEFAULT_PLATFORMS,
    push: values.push ?? false,
    load: values.load ?? false,
    candidate: values.candidate ?? false,
    metadata: gitMetadata(),
  });
  if (values['dry-run']) {
    console.log(['docker', ...args].join(' '));
    return 0;
  }
  const problem = buildxProblem();
  if (problem) {
    console.error(
      `✖ Cannot build the ${service} image: ${problem}.\n` +
        '  Install the Docker buildx plugin (https://docs.docker.com/build/install-buildx/) and a ' +
        'builder with QEMU for multi-arch (docker buildx create --use), or run in CI ' +
        '(.github/workflows/images.yml).',
    );
    return 1;
  }
  console.log(`▶ docker ${args.join(' ')}`);
  const build = spawnSync('docker', args, { stdio: 'inherit' });
  return build.status ?? 1;
}

if (process.argv[1] === import.meta.filename) process.exit(main());

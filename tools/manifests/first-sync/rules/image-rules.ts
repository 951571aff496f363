/**
 * The service images as the cluster pulls and runs them: each container's command exists in the
 * image (Kubernetes: `command` replaces the ENTRYPOINT, `args` the CMD, and a `command` alone
 * drops the CMD), each tag is one the image workflow pushes, and production admits FediFlow
 * images only with the workflow's cosign signature, pinned to the verified digest.
 */
import path from 'node:path';
import { allContainers, placeAll, placedRef, podTemplates } from '../inventory.ts';
import { glob } from './project-rule.ts';
import type { ImageFacts, SyncRule } from '../types.ts';

const IMAGE =
  /^(?<repo>[^@:]+(?::\d+)?(?:\/[^@:]+)*)(?::(?<tag>[^@]+))?(?:@(?<digest>sha256:[0-9a-f]{64}))?$/;

export function parseImage(image: string): { repo: string; tag?: string; digest?: string } {
  const groups = IMAGE.exec(image)?.groups ?? { repo: image };
  return {
    repo: groups['repo']!,
    ...(groups['tag'] ? { tag: groups['tag'] } : {}),
    ...(groups['digest'] ? { digest: groups['digest'] } : {}),
  };
}

const serviceOf = (image: ImageFacts, repo: string) =>
  repo.startsWith(`${image.registry}/`) ? repo.slice(image.registry.length + 1) : undefined;

/** What the container runtime executes: `command` replaces ENTRYPOINT (and drops CMD), `args` replaces CMD. */
export function containerArgv(
  image: Pick<ImageFacts, 'entrypoint' | 'cmd'>,
  command: readonly string[] | undefined,
  args: readonly string[] | undefined,
): string[] {
  return command ? [...command, ...(args ?? [])] : [...image.entrypoint, ...(args ?? image.cmd)];
}

/** Why `argv` cannot start in the image, or undefined. */
export function commandProblem(
  image: ImageFacts,
  service: string,
  command: string[] | undefined,
  args: string[] | undefined,
): string | undefined {
  const argv = containerArgv(image, command, args);
  const resolveExecutable = (name: string) =>
    name.startsWith('/')
      ? name
      : ['/usr/local/bin', '/usr/bin', '/bin', '/sbin']
          .map((dir) => `${dir}/${name}`)
          .find((file) => image.executables.has(file));
  let index = 0;
  let executable = resolveExecutable(argv[0] ?? '');
  if (!executable || !image.executables.has(executable))
    return `${argv[0] ?? '(empty command)'} is not in the image`;
  if (executable === '/sbin/tini') {
    index = argv[1] === '--' ? 2 : 1;
    executable = resolveExecutable(argv[index] ?? '');
    if (!executable || !image.executables.has(executable))
      return `${argv[index] ?? '(nothing)'} after tini is not in the image`;
  }
  if (executable !== '/usr/local/bin/node') return undefined;
  const rest = argv.slice(index + 1);
  if (rest.some((arg) => arg === '-e' || arg === '--eval')) return undefined;
  const script = rest.find((arg) => !arg.startsWith('-'));
  if (!script) return 'node is started without a script';
  const file = path.posix.resolve(image.workdir, script);
  const bundle = image.bundles.get(service) ?? new Set<string>();
  return bundle.has(file)
    ? undefined
    : `${script} resolves to ${file}, which the ${service} image does not contain (it has ${[...bundle].join(', ')})`;
}

export const commandsRule: SyncRule = {
  id: 'commands-in-image',
  description:
    "every container's and Job's command, resolved against the image's ENTRYPOINT/CMD/WORKDIR, exists in the image",
  check(cluster) {
    const problems = [];
    for (const template of podTemplates(placeAll(cluster)))
      for (const container of allContainers(template.spec)) {
        if (!container.image) continue;
        const { repo } = parseImage(container.image);
        const service = serviceOf(cluster.image, repo);
        if (!service) continue;
        const { command, args } = container as { command?: string[]; args?: string[] };
        const problem = commandProblem(cluster.image, service, command, args);
        if (problem)
          problems.push({
            object: placedRef(template.owner),
            message: `${container.name}: ${problem}`,
          });
      }
    return problems;
  },
};

export const imageTagsRule: SyncRule = {
  id: 'images-produced',
  description:
    'every FediFlow image is a service the pipeline builds, with a tag it pushes and no placeholder digest',
  check(cluster) {
    const problems = [];
    for (const template of podTemplates(placeAll(cluster)))
      for (const container of allContainers(template.spec)) {
        const image = container.image ?? '';
        const { repo, tag, digest } = parseImage(image);
        if (!repo.includes('fediflow')) continue;
        const service = serviceOf(cluster.image, repo);
        const ref = placedRef(template.owner);
        if (!service || !cluster.image.services.includes(service)) {
          problems.push({
            object: ref,
            message: `${image} is not one of the pipeline's images (${cluster.image.services.map((s) => `${cluster.image.registry}/${s}`).join(', ')})`,
          });
          continue;
        }
        if (digest && /^sha256:(.)\1{63}$/.test(digest))
          problems.push({
            object: ref,
            message: `${image} carries a placeholder digest: no release was ever recorded`,
          });
        if (tag && !cluster.image.isProducedTag(tag))
          problems.push({
            object: ref,
            message: `tag ${tag} is never pushed by the image workflow (it pushes ${cluster.image.producedTags})`,
          });
        if (!tag && !digest)
          problems.push({ object: ref, message: `${image} has neither tag nor digest` });
      }
    return problems;
  },
};

interface VerifyImages {
  imageReferences?: string[];
  mutateDigest?: boolean;
  verifyDigest?: boolean;
  attestors?: Array<{
    entries?: Array<{ keyless?: { issuer?: string; subject?: string; subjectRegExp?: string } }>;
  }>;
}

export const signedImagesRule: SyncRule = {
  id: 'production-images-verified',
  description:
    'in production namespaces every FediFlow image is admitted only with the image workflow’s keyless cosign signature (Kyverno verifyImages, digest pinned)',
  check(cluster) {
    const placed = placeAll(cluster);
    const productionNamespaces = new Set(
      placed
        .filter(
          (entry) =>
            entry.object.kind === 'Namespace' &&
            (entry.object.metadata.labels?.['environment'] === 'production' ||
              entry.object.metadata.labels?.['tier'] === 'production'),
        )
        .map((entry) => entry.object.metadata.name),
    );
    if (!productionNamespaces.size) return [];
    const policies = placed
      .filter((entry) => entry.object.kind === 'ClusterPolicy')
      .flatMap((entry) => {
        const spec = (entry.object['spec'] ?? {}) as {
          validationFailureAction?: string;
          rules?: Array<{
            match?: { any?: Array<{ resources?: { kinds?: string[]; namespaces?: string[] } }> };
            verifyImages?: VerifyImages[];
          }>;
        };
        const enforce = (spec.validationFailureAction ?? 'Audit').toLowerCase() === 'enforce';
        return enforce ? (spec.rules ?? []) : [];
      });
    // The subject is a regular expression in the policy, so its dots may be escaped.
    const workflowIdentity = /workflows\/images\\?\.yml/;
    const verified = (image: string, namespace: string) =>
      policies.some((rule) => {
        const scope = rule.match?.any?.some(
          (match) =>
            (match.resources?.kinds ?? []).includes('Pod') &&
            (!match.resources?.namespaces ||
              match.resources.namespaces.some((pattern) => glob(pattern, namespace))),
        );
        return (
          scope &&
          (rule.verifyImages ?? []).some(
            (verify) =>
              (verify.imageReferences ?? []).some((pattern) => glob(pattern, image)) &&
              verify.mutateDigest !== false &&
              verify.verifyDigest !== false &&
              (verify.attestors ?? []).some((attestor) =>
                (attestor.entries ?? []).some(
                  (entry) =>
                    entry.keyless?.issuer === 'https://token.actions.githubusercontent.com' &&
                    workflowIdentity.test(
                      entry.keyless.subjectRegExp ?? entry.keyless.subject ?? '',
                    ),
                ),
              ),
          )
        );
      });
    const problems = [];
    for (const template of podTemplates(placed)) {
      const namespace = template.owner.namespace ?? '';
      if (!productionNamespaces.has(namespace)) continue;
      for (const container of allContainers(template.spec)) {
        const image = container.image ?? '';
        if (!serviceOf(cluster.image, parseImage(image).repo)) continue;
        if (!verified(image, namespace))
          problems.push({
            object: placedRef(template.owner),
            message: `${image} is admitted without verifying the image workflow's cosign signature`,
          });
      }
    }
    if (
      problems.length &&
      !cluster.apps.some((app) => app.chart?.capabilities.includes('image-verification'))
    )
      problems.push({ object: '-', message: 'no add-on verifies image signatures (kyverno)' });
    return problems;
  },
};

/**
 * The exact command each workload of an overlay runs, as Kubernetes would start it in the image:
 * the rendered container's `command`/`args` over the Dockerfile's ENTRYPOINT/CMD, with tini
 * stripped (the test spawns node itself) and paths under WORKDIR mapped into a runtime tree.
 */
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
/* eslint-disable @nx/enforce-module-boundaries -- the same code the first-sync model runs; relative because these are tool scripts, not libraries */
import { runtimeStage } from '../../../tools/manifests/first-sync/image-facts.ts';
import { containerArgv } from '../../../tools/manifests/first-sync/rules/image-rules.ts';
import { kustomize } from '../../../tools/manifests/render.ts';
/* eslint-enable @nx/enforce-module-boundaries */
import { workspaceRoot } from './runtime-tree';

export interface WorkloadCommand {
  /** `Job/migrate`, `Deployment/api`, … */
  readonly workload: string;
  readonly service: string;
  /** Arguments after `node`, paths relative to WORKDIR (the runtime tree's root). */
  readonly nodeArgs: readonly string[];
}

interface Container {
  image?: string;
  command?: string[];
  args?: string[];
}

export async function workloadCommands(overlay: string): Promise<WorkloadCommand[]> {
  const stage = runtimeStage(readFileSync(join(workspaceRoot, 'Dockerfile'), 'utf8'));
  const objects = await kustomize(join(workspaceRoot, 'deploy', 'overlays', overlay));
  const out: WorkloadCommand[] = [];
  for (const object of objects) {
    if (object.kind !== 'Job' && object.kind !== 'Deployment') continue;
    const containers = (object['spec'] as { template: { spec: { containers: Container[] } } })
      .template.spec.containers;
    for (const container of containers) {
      const service = /^ghcr\.io\/fediflow\/([a-z-]+)/.exec(container.image ?? '')?.[1];
      if (!service) continue;
      let argv = containerArgv(stage, container.command, container.args);
      if (argv[0] === '/sbin/tini') argv = argv.slice(argv[1] === '--' ? 2 : 1);
      if (argv[0] !== 'node' && argv[0] !== '/usr/local/bin/node')
        throw new Error(
          `${object.kind}/${object.metadata.name} does not start node: ${argv.join(' ')}`,
        );
      const nodeArgs = argv
        .slice(1)
        .map((arg) =>
          arg.startsWith('-')
            ? arg
            : posix.relative(stage.workdir, posix.resolve(stage.workdir, arg)),
        );
      out.push({ workload: `${object.kind}/${object.metadata.name}`, service, nodeArgs });
    }
  }
  return out;
}

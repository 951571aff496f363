import {
  freePort,
  isolatedInfrastructure,
  waitForStatus,
  type IsolatedInfrastructure,
} from '@fediflow/testing';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workloadCommands, type WorkloadCommand } from './manifest-commands';
import { assembleRuntimeTree, type RuntimeTree } from './runtime-tree';

/**
 * Image smoke test without a Docker engine: each service's runtime tree, assembled as the
 * Dockerfile's runtime stage has it, started as uid/gid 1001 (the image's USER) from a tree that
 * user cannot write, against real PostgreSQL and Redis. Each workload runs the exact command the
 * production overlay gives it (container command/args over the Dockerfile's ENTRYPOINT/CMD).
 */
const SERVICES = ['api', 'federation', 'workers'] as const;
/**
 * Per service: 80 MB, but the api and the workers also carry libs/media — sharp's prebuilt
 * libvips (18 MB) and the S3 client — so they may use 105 (docs/containers.md). The workers only
 * delete media files; splitting storage from processing in libs/media would bring them back to 80.
 */
const PAYLOAD_BUDGET_MB: Record<(typeof SERVICES)[number], number> = {
  api: 105,
  federation: 80,
  workers: 105,
};
const MB = 1024 * 1024;
const asRoot = process.getuid?.() === 0;
const user = asRoot ? { uid: 1001, gid: 1001 } : {};
if (!asRoot) {
  console.log('[local-e2e] not root: services run as the current user (the tree is still a-w)');
}

interface Run {
  child: ChildProcess;
  output: string[];
}

function run(tree: RuntimeTree, nodeArgs: readonly string[], env: Record<string, string>): Run {
  const args = nodeArgs.map((arg) => (arg.startsWith('-') ? arg : join(tree.dir, arg)));
  const child = spawn(process.execPath, args, {
    ...user,
    cwd: tree.dir,
    // As in the image: no HOME to write to, only /tmp.
    env: { PATH: '/usr/bin:/bin', HOME: '/tmp', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  return { child, output };
}

describe('service images (runtime tree as uid 1001, read-only)', () => {
  let infra: IsolatedInfrastructure;
  let env: Record<string, string>;
  const trees = new Map<string, RuntimeTree>();
  let commands: WorkloadCommand[];
  const commandOf = (workload: string) => {
    const found = commands.find((command) => command.workload === workload);
    if (!found) throw new Error(`the production overlay has no ${workload}`);
    return found.nodeArgs;
  };
  const runs: Run[] = [];

  beforeAll(async () => {
    infra = await isolatedInfrastructure('image-smoke');
    env = {
      ...infra.env,
      PUBLIC_ORIGIN: 'http://fediflow.test',
      LOG_LEVEL: 'warn',
      SHUTDOWN_GRACE_MS: '5000',
    };
    commands = await workloadCommands('production');
    const started = Date.now();
    for (const service of SERVICES) trees.set(service, assembleRuntimeTree(service));
    const cached = [...trees.values()].every((tree) => tree.cached);
    console.log(
      `[local-e2e] runtime trees assembled in ${((Date.now() - started) / 1000).toFixed(1)} s` +
        (cached ? ' (node_modules from cache)' : ' (npm ci --omit=dev)'),
    );
  });

  afterAll(async () => {
    for (const { child } of runs) if (child.exitCode === null) child.kill('SIGKILL');
    for (const tree of trees.values()) tree.remove();
    await infra?.release();
  });

  const tree = (service: string) => {
    const found = trees.get(service);
    if (!found) throw new Error(`no runtime tree for ${service}`);
    return found;
  };

  it(`keeps each runtime payload (bundle + node_modules) within its budget (api and workers 105 MB, federation 80 MB)`, () => {
    for (const service of SERVICES) {
      const { bundleBytes, nodeModulesBytes } = tree(service);
      const total = (bundleBytes + nodeModulesBytes) / MB;
      console.log(
        `[local-e2e] ${service.padEnd(10)} payload ${total.toFixed(1)} MB ` +
          `(bundle ${(bundleBytes / MB).toFixed(2)} MB, node_modules ${(nodeModulesBytes / MB).toFixed(1)} MB)`,
      );
      expect(total, service).toBeLessThanOrEqual(PAYLOAD_BUDGET_MB[service]);
    }
  });

  it('has no devDependency in the runtime tree (no glibc node binary, no Nx)', () => {
    for (const service of SERVICES) {
      const listing = spawnSync('ls', [join(tree(service).dir, 'node_modules')], {
        encoding: 'utf8',
      });
      const packages = listing.stdout.split('\n');
      expect(packages).not.toContain('node');
      expect(packages).not.toContain('nx');
      expect(packages).not.toContain('typescript');
      expect(packages).toContain('tslib');
    }
  });

  it('cannot be written by the runtime user', () => {
    const probe = spawnSync(
      process.execPath,
      ['-e', `require('fs').writeFileSync(${JSON.stringify(join(tree('api').dir, 'probe'))}, 'x')`],
      { ...user, encoding: 'utf8' },
    );
    expect(probe.status).not.toBe(0);
    expect(probe.stderr).toContain('EACCES');
  });

  it('migrates, then every service answers /health and /ready and stops cleanly on SIGTERM', async () => {
    const migrate = run(tree('api'), commandOf('Job/migrate'), env);
    const [code] = await once(migrate.child, 'exit');
    expect(code, migrate.output.join('')).toBe(0);

    const started = await Promise.all(
      SERVICES.map(async (service) => {
        const port = await freePort();
        const running = run(tree(service), commandOf(`Deployment/${service}`), {
          ...env,
          PORT: String(port),
          METRICS_PORT: String(await freePort()),
        });
        runs.push(running);
        return { service, port, running };
      }),
    );
    for (const { service, port, running } of started) {
      try {
        await waitForStatus(`http://127.0.0.1:${port}/health`, 200, 30_000);
        await waitForStatus(`http://127.0.0.1:${port}/ready`, 200, 30_000);
      } catch (error) {
        throw new Error(`${service}: ${String(error)}\n${running.output.join('')}`, {
          cause: error,
        });
      }
    }
    for (const { service, running } of started) {
      const exited = once(running.child, 'exit');
      running.child.kill('SIGTERM');
      const [exitCode] = await exited;
      expect(exitCode, `${service} exit code\n${running.output.join('')}`).toBe(0);
    }
  });
});

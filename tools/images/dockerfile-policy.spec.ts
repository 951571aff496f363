import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDockerfile, parseStages, type RuleId } from './dockerfile-policy.ts';

const workspaceRoot = join(import.meta.dirname, '../..');
const dockerfile = readFileSync(join(workspaceRoot, 'Dockerfile'), 'utf8');

/** The project's Dockerfile with one text replaced; fails loudly if the text is not there. */
function mutate(from: string | RegExp, to: string): string {
  const changed = dockerfile.replace(from, to);
  if (changed === dockerfile) throw new Error(`mutation did not apply: ${String(from)}`);
  return changed;
}

const rules = (text: string): RuleId[] => [...new Set(checkDockerfile(text).map((f) => f.rule))];

describe('the Dockerfile', () => {
  it('passes dockerfile-utils and every policy rule', () => {
    expect(checkDockerfile(dockerfile)).toEqual([]);
  });

  it('has a glibc build stage, an Alpine prod-deps stage and an Alpine runtime stage', () => {
    const stages = parseStages(dockerfile);
    expect(stages.map((stage) => stage.name)).toEqual(['build', 'prod-deps', 'runtime']);
    expect(stages[0]?.base).toMatch(/^node:24\.\d+\.\d+-bookworm-slim$/);
    expect(stages[1]?.base).toBe(stages[2]?.base);
    expect(stages[2]?.base).toMatch(/^node:24\.\d+\.\d+-alpine3\.\d+$/);
  });

  it('labels the image with the OCI source, revision, version and created keys from build args', () => {
    for (const key of ['source', 'revision', 'version', 'created']) {
      expect(dockerfile).toMatch(
        new RegExp(`org\\.opencontainers\\.image\\.${key}="\\$\\{\\w+\\}"`),
      );
    }
  });
});

describe('the Dockerfile policy rejects', () => {
  const cases: [string, RuleId, string][] = [
    ['a syntax error', 'lint', mutate('WORKDIR /deps', 'WORKDIR /deps\nFROOM scratch')],
    [
      'an unknown COPY flag',
      'lint',
      mutate('COPY --from=build /out/manifest/', 'COPY --from=build --bogus=1 /out/manifest/'),
    ],
    [
      'a single-stage build',
      'multi-stage',
      'FROM node:24.21.0-alpine3.22\nUSER 1001\nEXPOSE 3000 9464\nENTRYPOINT ["/sbin/tini","--","node"]\n',
    ],
    [
      'a floating runtime tag',
      'pinned-runtime-base',
      mutate(/(FROM node:)24\.21\.0-alpine3\.22( AS runtime)/, '$124-alpine$2'),
    ],
    [
      'a glibc runtime',
      'pinned-runtime-base',
      mutate(/(FROM node:24\.21\.0-)alpine3\.22( AS runtime)/, '$1bookworm-slim$2'),
    ],
    [
      'prod deps installed on another base',
      'prod-deps-base',
      mutate(/alpine3\.22( AS prod-deps)/, 'alpine3.21$1'),
    ],
    [
      'the root lockfile in the prod-deps stage',
      'prod-deps-manifest',
      mutate('COPY --from=build /out/manifest/ ./', 'COPY package.json package-lock.json ./'),
    ],
    ['a named USER', 'numeric-non-root-user', mutate('USER 1001', 'USER fediflow')],
    ['USER 0', 'numeric-non-root-user', mutate('USER 1001', 'USER 0:0')],
    ['no USER', 'numeric-non-root-user', mutate('USER 1001\n', '')],
    [
      'ADD from a URL',
      'no-remote-add',
      mutate('WORKDIR /app', 'WORKDIR /app\nADD https://example.com/tool.tgz /tmp/'),
    ],
    [
      'a secret-looking ARG',
      'no-secrets-in-build-config',
      mutate('ARG REVISION=unknown', 'ARG NPM_TOKEN'),
    ],
    [
      'a service secret in ENV',
      'no-secrets-in-build-config',
      mutate('PORT=3000', 'DATABASE_URL=postgres://u:p@db/x PORT=3000'),
    ],
    [
      'a COPY without --chown',
      'copy-chown-runtime-user',
      mutate('COPY --from=build --chown=1001:1001 /out/app/', 'COPY --from=build /out/app/'),
    ],
    [
      'a COPY owned by root',
      'copy-chown-runtime-user',
      mutate('COPY --from=build --chown=1001:1001', 'COPY --from=build --chown=0:0'),
    ],
    ['a missing metrics port', 'expose-ports', mutate('EXPOSE 3000 9464', 'EXPOSE 3000')],
    [
      'node as PID 1',
      'init-process',
      mutate('ENTRYPOINT ["/sbin/tini", "--", "node"]', 'ENTRYPOINT ["node"]'),
    ],
    ['npm left in the runtime', 'no-package-managers', mutate(/\/usr\/local\/bin\/npm /, '')],
  ];

  it.each(cases)('%s', (_name, rule, text) => {
    expect(rules(text)).toContain(rule);
  });
});

describe('.dockerignore', () => {
  const ignored = readFileSync(join(workspaceRoot, '.dockerignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));

  it('keeps host installs, build output, git metadata and env files out of the context', () => {
    expect(ignored).toEqual(
      expect.arrayContaining(['**/node_modules', 'dist', '.git', '.nx', '.env', '.env.*']),
    );
  });

  it('keeps what the build stage needs', () => {
    for (const needed of [
      'apps',
      'libs',
      'tools',
      'package.json',
      'package-lock.json',
      'nx.json',
    ]) {
      expect(ignored).not.toContain(needed);
    }
    expect(ignored.some((line) => line === 'docker' || line === 'docker/')).toBe(false);
  });
});

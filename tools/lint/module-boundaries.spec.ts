import { createProjectGraphAsync } from '@nx/devkit';
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const workspaceRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The rules that draw the project boundaries (eslint.config.mjs). */
const BOUNDARY_RULES = new Set(['@nx/enforce-module-boundaries', 'no-restricted-imports']);

const eslint = new ESLint({ cwd: workspaceRoot });

/**
 * Lints one import as if it stood in a file at `filePath` (which need not exist: the rule finds
 * the project by path) and returns the boundary violations ESLint reports.
 */
async function violations(filePath: string, specifier: string): Promise<string[]> {
  const code = `import { probe } from '${specifier}';\nexport { probe };\n`;
  const [result] = await eslint.lintText(code, { filePath: `${workspaceRoot}/${filePath}` });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId !== null && BOUNDARY_RULES.has(message.ruleId))
    .map((message) => message.message);
}

describe('project boundaries (eslint.config.mjs)', () => {
  beforeAll(async () => {
    // The Nx rule reads the cached project graph and silently skips itself without one.
    await createProjectGraphAsync({ exitOnError: false });
  }, 120_000);

  it('accepts a feature lib importing a data-access lib', async () => {
    expect(await violations('libs/federation/src/probe.ts', '@fediflow/database')).toEqual([]);
  });

  it('accepts a service importing the federation core', async () => {
    expect(await violations('apps/api/src/probe.ts', '@fediflow/federation')).toEqual([]);
  });

  it('rejects a data-access lib importing a feature lib', async () => {
    const found = await violations('libs/federation-adapters/src/probe.ts', '@fediflow/health');
    expect(found).toEqual([expect.stringContaining('"type:data-access" can only depend on')]);
  });

  it('rejects a shared lib importing the ActivityPub core', async () => {
    const found = await violations('libs/database/src/probe.ts', '@fediflow/federation-adapters');
    expect(found).toEqual([expect.stringContaining('"scope:shared" can only depend on')]);
  });

  it('rejects a lib importing an app', async () => {
    const found = await violations('libs/config/src/probe.ts', '../../../apps/api/src/main');
    expect(found).toEqual([expect.stringContaining('relative or absolute path')]);
  });

  it('rejects test helpers in production code', async () => {
    expect(await violations('apps/api/src/probe.ts', '@fediflow/testing')).toEqual([
      expect.stringContaining('"type:app" can only depend on'),
    ]);
    expect(await violations('apps/api/src/probe.ts', '@fediflow/federation/testing')).toEqual([
      expect.stringContaining('Test helpers are for tests'),
    ]);
    expect(await violations('libs/federation/src/probe.ts', './remote-server.testing')).toEqual([
      expect.stringContaining('Test helpers are for tests'),
    ]);
  });

  it('accepts test helpers in tests', async () => {
    expect(await violations('apps/api/src/probe.int-spec.ts', '@fediflow/testing')).toEqual([]);
    expect(
      await violations('apps/api/src/probe.int-spec.ts', '@fediflow/federation/testing'),
    ).toEqual([]);
  });
});

import { fileURLToPath } from 'node:url';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

/** The three kinds of suite in FediFlow; each picks its own files by suffix (DESIGN.md §6). */
export type SuiteKind = 'unit' | 'integration' | 'e2e';

const workspaceRoot = fileURLToPath(new URL('.', import.meta.url));

const includeByKind: Record<SuiteKind, string[]> = {
  unit: ['**/*.spec.ts'],
  integration: ['**/*.int-spec.ts'],
  e2e: ['**/*.e2e-spec.ts'],
};

/**
 * One Vitest configuration shape for every project, so that `nx test <project>`, `nx integration
 * <project>` and the root `npm test` run a suite the same way.
 */
export function defineSuite(options: {
  /** Project name as Nx knows it; Vitest labels results with `<name>:<kind>`. */
  name: string;
  kind: SuiteKind;
  /** Directory of the calling config (pass `import.meta.dirname`). */
  dir: string;
  testTimeout?: number;
}): ViteUserConfig {
  const { name, kind, dir } = options;
  const needsServers = kind !== 'unit';
  return defineConfig({
    root: dir,
    cacheDir: `${workspaceRoot}/node_modules/.vite/${name}`,
    resolve: { tsconfigPaths: true },
    test: {
      name: `${name}:${kind}`,
      root: dir,
      include: includeByKind[kind],
      exclude: ['**/node_modules/**', '**/dist/**'],
      environment: 'node',
      globalSetup: needsServers ? [`${workspaceRoot}/libs/testing/src/global-setup.ts`] : [],
      testTimeout:
        options.testTimeout ??
        (kind === 'unit' ? 5_000 : kind === 'integration' ? 30_000 : 120_000),
      hookTimeout: kind === 'e2e' ? 300_000 : 60_000,
      // Suites of one kind share servers but isolate themselves (own database, own Redis prefix).
      fileParallelism: kind !== 'e2e',
      reporters: ['default'],
    },
  });
}

import { defineConfig } from 'vitest/config';

/**
 * Every suite of every project in one Vitest run, for `npm test` (one summary). Projects keep
 * their own configs (`vitest.config.mts` unit, `vitest.int.config.mts`, `vitest.e2e.config.mts`),
 * which `nx test|integration|e2e <project>` run on their own.
 */
export default defineConfig({
  test: {
    projects: [
      'apps/*/vitest*.config.mts',
      'libs/*/vitest*.config.mts',
      'tools/vitest*.config.mts',
    ],
  },
});

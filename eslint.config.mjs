import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';

/** Which kinds of project may depend on which (STYLE.md: tags on two axes that mean something). */
const typeConstraints = [
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:util'],
  },
  {
    sourceTag: 'type:feature',
    onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:util'],
  },
  { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:data-access', 'type:util'] },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util'] },
  // The fixtures (migrated database, factories) build on the servers and isolation of libs/testing.
  {
    sourceTag: 'type:testing',
    onlyDependOnLibsWithTags: ['type:testing', 'type:data-access', 'type:util'],
  },
  // End-to-end suites drive built services from outside: not even through a test fixture do they
  // reach the database layer (@fediflow/testing/fixtures is for integration suites).
  {
    sourceTag: 'type:e2e',
    onlyDependOnLibsWithTags: ['type:testing', 'type:util'],
    notDependOnLibsWithTags: ['type:data-access'],
  },
  {
    sourceTag: 'type:tool',
    onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:util', 'type:testing'],
  },
  { sourceTag: 'type:infra', onlyDependOnLibsWithTags: [] },
];

/**
 * Scopes say which services may run a project's code: `scope:shared` is service-agnostic
 * (config, database, social, …) and never knows ActivityPub; `scope:federation` is the ActivityPub
 * core (libs/federation, its adapters, the federation service), which the api (it enqueues
 * activities) and the workers (they run the queue) use too; `scope:api` and `scope:workers` are one
 * service's own code. `scope:infra` is deployment, not TypeScript anyone imports.
 */
const scopeConstraints = [
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:federation', onlyDependOnLibsWithTags: ['scope:federation', 'scope:shared'] },
  ...['api', 'workers'].map((scope) => ({
    sourceTag: `scope:${scope}`,
    onlyDependOnLibsWithTags: [`scope:${scope}`, 'scope:federation', 'scope:shared'],
  })),
  { sourceTag: 'scope:infra', onlyDependOnLibsWithTags: ['scope:shared'] },
];

const boundaries = (constraints) => [
  'error',
  {
    enforceBuildableLibDependency: true,
    allow: [],
    // main.ts imports Nest dynamically only so tracing starts first; that is not lazy loading.
    checkDynamicDependenciesExceptions: ['.*'],
    depConstraints: [...constraints, ...scopeConstraints],
  },
];

/** Test suites, test helpers and the `testing` entry points (`src/testing.ts`) that export them. */
const testFiles = [
  '**/*.spec.ts',
  '**/*.int-spec.ts',
  '**/*.e2e-spec.ts',
  '**/*.testing.ts',
  'libs/*/src/testing.ts',
];

/** Tests of any project may use the shared test harness. */
const testConstraints = typeConstraints.map((constraint) => ({
  ...constraint,
  onlyDependOnLibsWithTags: [...constraint.onlyDependOnLibsWithTags, 'type:testing'],
}));

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/node_modules', '**/fixtures', '**/.nx', 'tmp', '**/*.timestamp*'],
  },
  {
    files: ['**/*.ts', '**/*.mts', '**/*.cjs', '**/*.mjs'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries(typeConstraints),
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Production code never loads a test helper: neither a `*.testing` file nor a lib's
    // `testing` entry point (`type:testing` projects are kept out by the boundary rule above).
    files: ['**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^@fediflow/[^/]+/testing$|\\.testing$',
              message: 'Test helpers are for tests (*.spec.ts, *.int-spec.ts, *.testing.ts) only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: testFiles,
    rules: {
      '@nx/enforce-module-boundaries': boundaries(testConstraints),
      'no-restricted-imports': 'off',
    },
  },
  {
    // Build and test runner configuration is not project source: it may use the shared presets.
    files: ['**/vitest*.config.mts', '**/webpack.config.cjs'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    // Configuration is read once, validated, by libs/config (STYLE.md); services never read env.
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: [
      'libs/config/**',
      'libs/testing/**',
      'apps/*-e2e/**',
      '**/*.spec.ts',
      '**/*.int-spec.ts',
      '**/*.e2e-spec.ts',
      '**/*.testing.ts',
    ],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read configuration through @fediflow/config (APP_CONFIG), not process.env.',
        },
      ],
    },
  },
  {
    files: ['**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  prettier,
];

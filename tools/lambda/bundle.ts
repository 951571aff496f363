import { build, type Metafile } from 'esbuild';
import { LAMBDA_DIST, RUNTIME_PROVIDED, type LambdaFunction } from './functions';

export interface Bundle {
  readonly code: Buffer;
  readonly metafile: Metafile;
}

/**
 * Modules that typeorm, ioredis, pg and nodemailer load only when asked for (other databases,
 * native bindings, optional peers). They are never reached here; leaving them out keeps them
 * out of the zip, and a `require` of one would fail loudly.
 */
const NEVER_LOADED = [
  '@google-cloud/spanner',
  '@sap/hana-client',
  '@sap/hana-client/extension/Stream',
  'better-sqlite3',
  'hdb-pool',
  'ioredis/built/*',
  'mongodb',
  'mssql',
  'mysql',
  'mysql2',
  'oracledb',
  'pg-native',
  'pg-query-stream',
  'react-native-sqlite-storage',
  'redis',
  'sql.js',
  'sqlite3',
  'typeorm-aurora-data-api-driver',
  '@electric-sql/pglite',
  // Nest's ValidationPipe and ClassSerializer (unused here) load these optional peers.
  'class-transformer',
  'class-validator',
  '@nestjs/microservices',
  '@nestjs/websockets',
  '@nestjs/platform-express',
];

/**
 * One self-contained CommonJS file per function (node_modules included: the zip needs nothing
 * else), for Node 24, minified with class and function names kept (loggers are named after
 * classes). Decorators compile as TypeScript's legacy ones; no metadata is emitted, which only
 * Nest's dependency injection would read and the handlers construct their objects by hand.
 */
export async function bundle(fn: LambdaFunction): Promise<Bundle> {
  const result = await build({
    entryPoints: [fn.entry],
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    outfile: `${LAMBDA_DIST}/${fn.name}/index.js`,
    write: false,
    minify: true,
    keepNames: true,
    metafile: true,
    legalComments: 'none',
    tsconfig: 'apps/workers/tsconfig.app.json',
    external: [...NEVER_LOADED, ...RUNTIME_PROVIDED],
    logLevel: 'error',
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error(`${fn.name}: esbuild wrote nothing`);
  return { code: Buffer.from(output.contents), metafile: result.metafile };
}

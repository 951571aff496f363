/**
 * The benchmark's baseline: a bare `node:http` server whose `GET /home` runs one indexed
 * PostgreSQL query (the home-timeline page of BENCH_ACCOUNT_ID with status and author columns)
 * and answers the rows as JSON. Same database, same pool settings as the api (TypeORM's pg pool:
 * DATABASE_POOL_SIZE connections, 30 s statement timeout). Started by tools/bench.ts.
 */
import { createServer } from 'node:http';
import pg from 'pg';
import { BASELINE_QUERY } from './queries.ts';

const env = process.env;
const required = (name: string): string => {
  const value = env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const accountId = required('BENCH_ACCOUNT_ID');
const pool = new pg.Pool({
  connectionString: required('DATABASE_URL'),
  application_name: 'fediflow-bench-baseline',
  max: Number(env['DATABASE_POOL_SIZE'] ?? 10),
  idleTimeoutMillis: 30_000,
  connectionTimeoutMillis: 5_000,
  statement_timeout: 30_000,
});

const server = createServer((request, response) => {
  const path = request.url?.split('?')[0];
  if (request.method === 'GET' && path === '/home') {
    pool.query(BASELINE_QUERY, [accountId]).then(
      (result) => {
        response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        response.end(JSON.stringify(result.rows));
      },
      (error: unknown) => {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(error instanceof Error ? error.message : String(error));
      },
    );
    return;
  }
  if (path === '/ready') {
    response.writeHead(200).end('ok');
    return;
  }
  response.writeHead(404).end();
});

server.listen(Number(required('PORT')), '127.0.0.1', () => {
  console.log(`baseline listening on ${required('PORT')} (pid ${process.pid})`);
});

const stop = () => {
  server.close();
  server.closeAllConnections();
  void pool.end().finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

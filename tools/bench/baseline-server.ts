/**
 * The home timeline's floor: a bare `node:http` server whose `GET /home` does the least a feed-
 * backed home page must do — `ZRANGE … BYLEX REV LIMIT 0 20` of BENCH_ACCOUNT_ID's Redis feed (the
 * key and member format of libs/home-feeds), then one primary-key query returning the same fields
 * as the api (the api's own hydration query, `FEED_PAGE_VIEW_QUERY`), answered with
 * `JSON.stringify`. No auth, no framework, no shaping. Same pool settings as the api (TypeORM's pg
 * pool: DATABASE_POOL_SIZE connections, 30 s statement timeout). Started by tools/bench.ts.
 */
import { createServer } from 'node:http';
import { Redis } from 'ioredis';
import pg from 'pg';
import { FEED_PAGE_VIEW_QUERY, PAGE_SIZE } from './queries.ts';

const env = process.env;
const required = (name: string): string => {
  const value = env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const accountId = required('BENCH_ACCOUNT_ID');
const feedKey = `${required('REDIS_KEY_PREFIX')}:home:${accountId}`;
const redis = new Redis(required('REDIS_URL'), { maxRetriesPerRequest: 1 });
const pool = new pg.Pool({
  connectionString: required('DATABASE_URL'),
  application_name: 'fediflow-bench-baseline',
  max: Number(env['DATABASE_POOL_SIZE'] ?? 10),
  idleTimeoutMillis: 30_000,
  connectionTimeoutMillis: 5_000,
  statement_timeout: 30_000,
});

async function home(): Promise<unknown[]> {
  const members = await redis.zrange(feedKey, '+', '(0', 'BYLEX', 'REV', 'LIMIT', 0, PAGE_SIZE);
  const ids = members.map((member) => member.replace(/^0+(?=\d)/, ''));
  const result = await pool.query<{ id: string; in_page: boolean }>(FEED_PAGE_VIEW_QUERY, [
    accountId,
    ids,
  ]);
  // The page newest first, then the originals of its reblogs.
  const order = new Map(ids.map((id, i) => [id, i]));
  return result.rows.sort(
    (a, b) => (order.get(a.id) ?? ids.length) - (order.get(b.id) ?? ids.length),
  );
}

const server = createServer((request, response) => {
  const path = request.url?.split('?')[0];
  if (request.method === 'GET' && path === '/home') {
    home().then(
      (rows) => {
        response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        response.end(JSON.stringify(rows));
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
  redis.disconnect();
  void pool.end().finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

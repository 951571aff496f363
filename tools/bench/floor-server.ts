/**
 * The api floors: a bare `node:http` server doing the minimum equivalent work of three api
 * endpoints, on the same database with the api's pool settings (TypeORM's pg pool:
 * DATABASE_POOL_SIZE connections, 30 s statement timeout). No framework, auth, validation or
 * logging. Started by tools/bench/api-floors.ts; the SQL is in tools/bench/floor-queries.ts.
 *
 * - `GET /public`: one indexed query (the public page with its authors) → JSON.
 * - `GET /notifications`: one indexed query (BENCH_ACCOUNT_ID's page with the accounts and
 *   statuses) → JSON.
 * - `POST /statuses` (JSON `{ status }`): one transaction of two INSERTs — the status row and the
 *   outbox row (a `Create(Note)` built from a template, with BENCH_ACCOUNT_ID's remote follower
 *   inboxes, read once at start-up) — then the status row as JSON.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import pg from 'pg';
import {
  CREATE_FLOOR_OUTBOX,
  NOTIFICATIONS_FLOOR_QUERY,
  POST_OUTBOX_INSERT,
  POST_STATUS_INSERT,
  PUBLIC_FLOOR_QUERY,
} from './floor-queries.ts';

const env = process.env;
const required = (name: string): string => {
  const value = env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const accountId = required('BENCH_ACCOUNT_ID');
const origin = required('BENCH_ORIGIN');
const pool = new pg.Pool({
  connectionString: required('DATABASE_URL'),
  application_name: 'fediflow-bench-floor',
  max: Number(env['DATABASE_POOL_SIZE'] ?? 10),
  idleTimeoutMillis: 30_000,
  connectionTimeoutMillis: 5_000,
  statement_timeout: 30_000,
});

const author = await (async () => {
  await pool.query(CREATE_FLOOR_OUTBOX);
  const { rows } = await pool.query<{ username: string; recipients: string }>(
    `SELECT a.username,
            coalesce((SELECT json_agg(DISTINCT jsonb_build_object('id', f.uri, 'inbox', f.inbox_url,
                                                            'sharedInbox', f.shared_inbox_url))
                        FROM follows x JOIN accounts f ON f.id = x.account_id
                       WHERE x.target_account_id = a.id AND f.domain IS NOT NULL), '[]')::text
              AS recipients
       FROM accounts a WHERE a.id = $1`,
    [accountId],
  );
  if (!rows[0]) throw new Error(`no account ${accountId}`);
  return rows[0];
})();
const actor = `${origin}/users/${author.username}`;

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

function json(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

function fail(response: ServerResponse, error: unknown): void {
  response.writeHead(500, { 'content-type': 'text/plain' });
  response.end(error instanceof Error ? error.message : String(error));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function post(request: IncomingMessage): Promise<unknown> {
  const { status: text } = JSON.parse(await readBody(request)) as { status: string };
  const content = `<p>${escapeHtml(text)}</p>`;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ id: string; created_at: Date }>(POST_STATUS_INSERT, [
      accountId,
      text,
      content,
    ]);
    const status = rows[0];
    if (!status) throw new Error('INSERT … RETURNING returned no row');
    const uri = `${actor}/statuses/${status.id}`;
    const activity = {
      '@context': 'https://www.w3.org/ns/activitystreams',
      id: `${uri}/activity`,
      type: 'Create',
      actor,
      published: status.created_at,
      to: ['https://www.w3.org/ns/activitystreams#Public'],
      cc: [`${actor}/followers`],
      object: {
        id: uri,
        type: 'Note',
        attributedTo: actor,
        content,
        published: status.created_at,
        url: `${origin}/@${author.username}/${status.id}`,
        to: ['https://www.w3.org/ns/activitystreams#Public'],
        cc: [`${actor}/followers`],
      },
    };
    await client.query(POST_OUTBOX_INSERT, [
      author.username,
      JSON.stringify(activity),
      author.recipients,
    ]);
    await client.query('COMMIT');
    return status;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

const server = createServer((request, response) => {
  const path = request.url?.split('?')[0];
  const read = (sql: string, params: unknown[]) =>
    pool.query(sql, params).then(
      (result) => json(response, 200, result.rows),
      (error: unknown) => fail(response, error),
    );
  if (request.method === 'GET' && path === '/public') return void read(PUBLIC_FLOOR_QUERY, []);
  if (request.method === 'GET' && path === '/notifications')
    return void read(NOTIFICATIONS_FLOOR_QUERY, [accountId]);
  if (request.method === 'POST' && path === '/statuses') {
    post(request).then(
      (status) => json(response, 200, status),
      (error: unknown) => fail(response, error),
    );
    return;
  }
  if (path === '/ready') return void response.writeHead(200).end('ok');
  response.writeHead(404).end();
});

server.listen(Number(required('PORT')), '127.0.0.1', () => {
  console.log(`floor listening on ${required('PORT')} (pid ${process.pid})`);
});

const stop = () => {
  server.close();
  server.closeAllConnections();
  void pool.end().finally(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

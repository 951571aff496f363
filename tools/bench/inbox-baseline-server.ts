/**
 * The inbox benchmark's baseline: a bare `node:http` server whose `POST /inbox` does the minimal
 * work of an ActivityPub inbox by hand — read the body (1 MiB cap), parse the JSON, verify the
 * draft-cavage RSA-SHA256 signature and Digest with node:crypto (the remote's public key is
 * given, as Fedify's is after its first fetch), check that the signer is the activity's actor,
 * LPUSH one Redis list entry — and answers 202 (401 for a bad signature). Started by
 * tools/bench/federation-inbox.ts.
 */
import { createPublicKey } from 'node:crypto';
import { createServer } from 'node:http';
import { Redis } from 'ioredis';
import { verifySignedRequest } from './http-signature.ts';

const env = process.env;
const required = (name: string): string => {
  const value = env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const MAX_BODY = 1024 * 1024;
const keyId = required('BENCH_KEY_ID');
const actorId = required('BENCH_ACTOR_ID');
const publicKey = createPublicKey(required('BENCH_PUBLIC_KEY_PEM'));
const list = required('BENCH_REDIS_LIST');
const redis = new Redis(required('REDIS_URL'));

function answer(response: import('node:http').ServerResponse, status: number, text = ''): void {
  response.writeHead(status, { 'content-type': 'text/plain' });
  response.end(text);
}

const server = createServer((request, response) => {
  const path = request.url?.split('?')[0];
  if (path === '/ready') return answer(response, 200, 'ok');
  if (request.method !== 'POST' || path !== '/inbox') return answer(response, 404);
  const chunks: Buffer[] = [];
  let size = 0;
  request.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY) request.destroy();
    else chunks.push(chunk);
  });
  request.on('end', () => {
    const body = Buffer.concat(chunks);
    let activity: { id?: unknown; actor?: unknown };
    try {
      activity = JSON.parse(body.toString('utf8')) as typeof activity;
    } catch {
      return answer(response, 400, 'malformed JSON');
    }
    const verdict = verifySignedRequest(
      { method: 'POST', url: request.url ?? '/', headers: request.headers, body },
      (id) => (id === keyId ? publicKey : undefined),
    );
    if (!verdict.ok) return answer(response, 401, verdict.reason);
    if (activity.actor !== actorId) return answer(response, 401, 'signer is not the actor');
    const entry = JSON.stringify({ activity, received: new Date().toISOString() });
    redis.lpush(list, entry).then(
      () => answer(response, 202),
      (error: unknown) => answer(response, 503, String(error)),
    );
  });
});

server.listen(Number(required('PORT')), '127.0.0.1', () => {
  console.log(`inbox baseline listening on ${required('PORT')} (pid ${process.pid})`);
});

const stop = () => {
  server.close();
  server.closeAllConnections();
  redis.disconnect();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

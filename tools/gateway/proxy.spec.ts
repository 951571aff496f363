import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { close, createGateway, listen } from './proxy.ts';

interface Seen {
  service: string;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const seen: Seen[] = [];
const servers: Server[] = [];

/** A fake upstream that records each request and answers with its own name. */
async function upstream(service: string): Promise<string> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({
        service,
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      res.writeHead(req.url?.startsWith('/missing') ? 404 : 200, {
        'content-type': 'application/json',
        'x-upstream': service,
        'set-cookie': ['a=1', 'b=2'],
      });
      res.end(JSON.stringify({ service }));
    });
  });
  servers.push(server);
  return `http://127.0.0.1:${await listen(server, 0)}`;
}

let origin = '';
let gateway: Server;

beforeAll(async () => {
  const upstreams = { api: await upstream('api'), federation: await upstream('federation') };
  gateway = createGateway({ upstreams });
  origin = `http://127.0.0.1:${await listen(gateway, 0)}`;
});
afterAll(async () => {
  await Promise.all([gateway, ...servers].map((server) => close(server)));
});

const last = () => seen.at(-1);

describe('dev gateway', () => {
  it.each([
    ['/.well-known/webfinger?resource=acct:alice@example.test', 'federation', 'webfinger'],
    ['/.well-known/nodeinfo', 'federation', 'nodeinfo-discovery'],
    ['/users/alice', 'federation', 'actors'],
    ['/inbox', 'federation', 'shared-inbox'],
    ['/api/v1/accounts/verify_credentials', 'api', 'api'],
    ['/oauth/token', 'api', 'oauth'],
    ['/ready', 'api', 'default'],
    ['/inbox-not-exact', 'api', 'default'],
  ])('routes %s to %s', async (path, service, route) => {
    const response = await fetch(`${origin}${path}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-upstream')).toBe(service);
    expect(response.headers.get('x-fediflow-route')).toBe(route);
    expect(last()).toMatchObject({ service, url: path });
  });

  it('streams request bodies through and keeps method, Host and signature headers', async () => {
    const body = JSON.stringify({ type: 'Follow', actor: 'https://peer.test/users/bob' });
    const response = await fetch(`${origin}/users/alice/inbox`, {
      method: 'POST',
      headers: {
        'content-type': 'application/activity+json',
        signature: 'keyId="k",headers="(request-target) host date digest",signature="x"',
        'x-forwarded-proto': 'https',
      },
      body,
    });
    expect(response.status).toBe(200);
    const request = last();
    expect(request).toMatchObject({ service: 'federation', method: 'POST', body });
    expect(request?.headers['host']).toBe(new URL(origin).host);
    expect(request?.headers['signature']).toContain('keyId="k"');
    expect(request?.headers['x-forwarded-proto']).toBe('https');
    expect(request?.headers['x-forwarded-host']).toBe(new URL(origin).host);
    expect(request?.headers['x-forwarded-for']).toBe('127.0.0.1');
  });

  it('passes upstream status codes and repeated headers back', async () => {
    const response = await fetch(`${origin}/missing`);
    expect(response.status).toBe(404);
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await response.json()).toEqual({ service: 'api' });
  });

  it('answers 502 with the service named when an upstream is down', async () => {
    const down = createGateway({
      upstreams: { api: 'http://127.0.0.1:1', federation: 'http://127.0.0.1:1' },
    });
    const port = await listen(down, 0);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/users/alice`);
      expect(response.status).toBe(502);
      expect(await response.json()).toMatchObject({ error: 'upstream_unavailable' });
    } finally {
      await close(down);
    }
  });
});

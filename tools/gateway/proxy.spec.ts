import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type Server,
} from 'node:http';
import { WebSocketServer } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_ROUTES } from '@fediflow/routes';
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

/** An upstream speaking WebSocket (the `ws` server the api uses) and SSE, as the streaming API does. */
async function streamingUpstream() {
  const heard: string[] = [];
  const handshakes: IncomingHttpHeaders[] = [];
  const closed: string[] = [];
  const sockets = new WebSocketServer({ noServer: true });
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/api/v1/streaming/public')) {
      // Silent for longer than a non-streaming route's deadline, then an event.
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(':)\n');
      const timer = setTimeout(() => res.write('event: update\ndata: {"id":"1"}\n\n'), 1_500);
      res.on('close', () => {
        clearTimeout(timer);
        closed.push('sse');
      });
      return;
    }
    // A plain request as slow as that silence.
    setTimeout(() => res.end('late'), 1_500);
  });
  server.on('upgrade', (req, socket, head) => {
    handshakes.push(req.headers);
    if (req.headers['sec-websocket-protocol'] !== 'token-1') {
      socket.end(
        'HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\ncontent-length: 28\r\n\r\n{"error":"Invalid token..."}',
      );
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => {
      ws.send(JSON.stringify({ stream: ['user'], event: 'hello', payload: req.url }));
      ws.on('message', (data) => {
        heard.push(String(data));
        ws.send(`echo ${String(data)}`);
      });
      ws.on('close', () => closed.push('websocket'));
    });
  });
  servers.push(server);
  return { base: `http://127.0.0.1:${await listen(server, 0)}`, heard, handshakes, closed };
}

/** The table with a 1 s deadline on every route that is not a streaming one. */
const shortDeadlines = PUBLIC_ROUTES.map((route) =>
  route.streaming
    ? route
    : {
        ...route,
        timeoutSeconds: 1,
        retries: { ...route.retries, perTryTimeoutSeconds: 1 },
      },
);

/** Opens a WebSocket (Node's own client, independent of the `ws` upstream) and its inbox. */
async function openWebSocket(url: string, protocols: string[]) {
  const socket = new WebSocket(url, protocols);
  const inbox: string[] = [];
  socket.addEventListener('message', (event) => inbox.push(String(event.data)));
  const closed = new Promise<number>((resolve) =>
    socket.addEventListener('close', (event) => resolve(event.code)),
  );
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve());
    socket.addEventListener('error', () => reject(new Error('WebSocket failed')));
  });
  return { socket, inbox, closed };
}

const until = async (what: string, test: () => boolean) => {
  for (let waited = 0; !test(); waited += 20) {
    if (waited > 5_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/** An upgrade request sent by hand, to read the status of a refused handshake. */
function refusedUpgrade(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
      },
    });
    req.on('upgrade', () => reject(new Error('upgraded')));
    req.on('response', (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += String(chunk)));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('dev gateway: streaming', () => {
  let upstream: Awaited<ReturnType<typeof streamingUpstream>>;
  let streamingGateway: Server;
  let base = '';

  beforeAll(async () => {
    upstream = await streamingUpstream();
    streamingGateway = createGateway({
      upstreams: { api: upstream.base, federation: 'http://127.0.0.1:1' },
      routes: shortDeadlines,
    });
    base = `127.0.0.1:${await listen(streamingGateway, 0)}`;
  });
  afterAll(() => close(streamingGateway));

  it('passes a WebSocket through both ways, with its protocol (the token) and path', async () => {
    const client = await openWebSocket(`ws://${base}/api/v1/streaming?stream=user`, ['token-1']);
    expect(client.socket.protocol).toBe('token-1');
    await until('the greeting', () => client.inbox.length > 0);
    expect(JSON.parse(client.inbox[0]!)).toEqual({
      stream: ['user'],
      event: 'hello',
      payload: '/api/v1/streaming?stream=user',
    });
    expect(upstream.handshakes.at(-1)).toMatchObject({
      host: base,
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-proto': 'http',
    });

    // Quiet for longer than any other route's deadline: an open WebSocket has none.
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    client.socket.send('{"type":"subscribe","stream":"public"}');
    await until('the echo', () => client.inbox.length > 1);
    expect(client.inbox[1]).toBe('echo {"type":"subscribe","stream":"public"}');
    expect(upstream.heard).toEqual(['{"type":"subscribe","stream":"public"}']);

    const before = upstream.closed.filter((what) => what === 'websocket').length;
    client.socket.close(1000);
    expect(await client.closed).toBe(1000);
    await until(
      'the upstream to see the close',
      () => upstream.closed.filter((what) => what === 'websocket').length > before,
    );
  });

  it("relays the upstream's refusal of a handshake (a bad token) as it was", async () => {
    const refused = await refusedUpgrade(`http://${base}/api/v1/streaming?stream=user`);
    expect(refused).toEqual({ status: 401, body: '{"error":"Invalid token..."}' });
  });

  it('answers a handshake with 502 JSON when the upstream is down', async () => {
    const down = createGateway({
      upstreams: { api: 'http://127.0.0.1:1', federation: 'http://127.0.0.1:1' },
    });
    const port = await listen(down, 0);
    try {
      const refused = await refusedUpgrade(`http://127.0.0.1:${port}/api/v1/streaming`);
      expect(refused.status).toBe(502);
      expect(JSON.parse(refused.body)).toMatchObject({ error: 'upstream_unavailable' });
    } finally {
      await close(down);
    }
  });

  it('keeps Server-Sent Events open past the deadline other routes get', async () => {
    const controller = new AbortController();
    const response = await fetch(`http://${base}/api/v1/streaming/public`, {
      signal: controller.signal,
    });
    expect(response.headers.get('x-fediflow-route')).toBe('streaming');
    const reader = response.body!.getReader();
    let text = '';
    while (!text.includes('event: update')) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ended early: ${text}`);
      text += new TextDecoder().decode(value);
    }
    expect(text).toBe(':)\nevent: update\ndata: {"id":"1"}\n\n');

    // The client leaving ends the upstream response too.
    const before = upstream.closed.filter((what) => what === 'sse').length;
    controller.abort();
    await until(
      'the upstream response to close',
      () => upstream.closed.filter((what) => what === 'sse').length > before,
    );

    // The same silence on an ordinary route is a 504.
    const slow = await fetch(`http://${base}/api/v1/statuses`);
    expect(slow.status).toBe(504);
    expect(await slow.json()).toMatchObject({ error: 'upstream_timeout' });
  });

  it('ends open WebSockets when it closes, instead of waiting for them', async () => {
    const closing = createGateway({
      upstreams: { api: upstream.base, federation: 'http://127.0.0.1:1' },
    });
    const port = await listen(closing, 0);
    const client = await openWebSocket(`ws://127.0.0.1:${port}/api/v1/streaming`, ['token-1']);
    await close(closing);
    expect(await client.closed).toBe(1006);
  });
});

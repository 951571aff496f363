/**
 * The local one-origin gateway: routes each request by path to api or federation with the same
 * table the Istio VirtualService is checked against (@fediflow/routes), so ActivityPub peers,
 * browsers and tests see one origin locally as in production.
 *
 * It keeps the client's Host header (HTTP signatures sign it) and adds X-Forwarded-*. WebSocket
 * upgrades are passed through (the streaming API), and streaming routes get no deadline, as in
 * the mesh.
 */
import {
  Agent,
  createServer,
  request,
  STATUS_CODES,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { PUBLIC_ROUTES, routeFor, type PublicRoute, type PublicService } from '@fediflow/routes';

export type Upstreams = Record<PublicService, string>;

/** Connection-scoped headers that a proxy must not forward (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

function forwardable(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const listed = String(headers['connection'] ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase());
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name) && !listed.includes(name)),
  );
}

function sendError(res: ServerResponse, status: number, error: string, detail: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error, detail }));
}

export interface GatewayOptions {
  upstreams: Upstreams;
  /** The route table (tests shorten deadlines); @fediflow/routes' by default. */
  routes?: readonly PublicRoute[];
  /** Called once per request with the outcome (the CLI prints it at debug verbosity). */
  onRequest?: (entry: { method: string; path: string; route: string; status: number }) => void;
}

/** What the upstream sees of a request: its headers without hop-by-hop ones, plus X-Forwarded-*. */
function upstreamHeaders(req: IncomingMessage): IncomingHttpHeaders {
  const clientAddress = req.socket.remoteAddress ?? '';
  const priorFor = req.headers['x-forwarded-for'];
  return {
    ...forwardable(req.headers),
    'x-forwarded-for': priorFor ? `${String(priorFor)}, ${clientAddress}` : clientAddress,
    'x-forwarded-proto': req.headers['x-forwarded-proto'] ?? 'http',
    'x-forwarded-host': req.headers['x-forwarded-host'] ?? req.headers.host ?? '',
  };
}

/** A route's deadline for the upstream socket in ms; 0 (none) for streaming routes. */
function deadlineMs(route: PublicRoute): number {
  return route.streaming ? 0 : route.timeoutSeconds * 1000;
}

/**
 * Each gateway's open streams (WebSockets and streaming responses): `close` ends them, since a
 * stream never finishes by itself and its client reconnects.
 */
const openStreams = new WeakMap<Server, Set<{ destroy(): unknown }>>();

function holdOpen(server: Server, stream: Socket | ServerResponse): void {
  const open = openStreams.get(server);
  if (!open) return;
  open.add(stream);
  stream.once('close', () => open.delete(stream));
}

/** An HTTP server (not yet listening) that proxies to `upstreams` by public route. */
export function createGateway({
  upstreams,
  routes = PUBLIC_ROUTES,
  onRequest,
}: GatewayOptions): Server {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    const route = routeFor(path, routes);
    const target = new URL(path, upstreams[route.service]);
    const upstream = request(
      target,
      { method: req.method, headers: upstreamHeaders(req), agent, timeout: deadlineMs(route) },
      (response) => {
        res.writeHead(response.statusCode ?? 502, {
          ...forwardable(response.headers),
          'x-fediflow-route': route.name,
        });
        // Server-Sent Events: each event goes out as it arrives.
        if (route.streaming) {
          res.flushHeaders();
          holdOpen(server, res);
        }
        response.pipe(res);
        onRequest?.({
          method: req.method ?? 'GET',
          path,
          route: route.name,
          status: response.statusCode ?? 502,
        });
      },
    );
    upstream.on('timeout', () => {
      upstream.destroy();
      sendError(
        res,
        504,
        'upstream_timeout',
        `${route.service} took over ${route.timeoutSeconds} s`,
      );
    });
    upstream.on('error', (error) => {
      sendError(
        res,
        502,
        'upstream_unavailable',
        `${route.service} (${target.origin}): ${error.message}`,
      );
    });
    // A client that leaves mid-response (an SSE reader closing) ends the upstream request too.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.on('aborted', () => upstream.destroy());
    req.pipe(upstream);
  });
  openStreams.set(server, new Set());
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    holdOpen(server, socket as Socket);
    proxyUpgrade(req, socket as Socket, head, upstreams, routes, onRequest);
  });
  return server;
}

/** Writes a raw HTTP/1.1 response head to a socket that Node's HTTP server has let go of. */
function responseHead(status: number, rawHeaders: readonly string[]): string {
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`];
  for (let index = 0; index < rawHeaders.length; index += 2) {
    lines.push(`${rawHeaders[index]}: ${rawHeaders[index + 1]}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** Answers an upgrade request with a complete response and closes the connection. */
function refuseUpgrade(socket: Socket, status: number, headers: string[], body: Buffer): void {
  if (socket.destroyed || socket.writableEnded) return;
  socket.end(
    responseHead(status, [
      ...headers,
      'content-length',
      String(body.length),
      'connection',
      'close',
    ]) + body.toString('latin1'),
    'latin1',
  );
}

/**
 * Proxies an HTTP Upgrade (a WebSocket handshake): the upstream's 101 is relayed and the two
 * sockets are piped both ways until either side closes or fails, which closes the other. An
 * upstream that answers without upgrading (a 401 for a bad token) has its answer relayed; one
 * that cannot be reached gets a 502.
 */
function proxyUpgrade(
  req: IncomingMessage,
  socket: Socket,
  head: Buffer,
  upstreams: Upstreams,
  routes: readonly PublicRoute[],
  onRequest: GatewayOptions['onRequest'],
): void {
  const path = req.url ?? '/';
  const route = routeFor(path, routes);
  const target = new URL(path, upstreams[route.service]);
  const log = (status: number) =>
    onRequest?.({ method: req.method ?? 'GET', path, route: route.name, status });
  const upstream = request(target, {
    method: req.method,
    headers: {
      ...upstreamHeaders(req),
      connection: 'Upgrade',
      upgrade: req.headers.upgrade,
    },
    // An upgraded socket leaves the pool for good: no keep-alive agent.
    agent: false,
    timeout: deadlineMs(route),
  });
  socket.on('error', () => upstream.destroy());
  upstream.on('upgrade', (response, upstreamSocket: Socket, upstreamHead: Buffer) => {
    // The deadline covered the handshake; an open WebSocket has none.
    upstreamSocket.setTimeout(0);
    socket.setTimeout(0);
    socket.write(
      responseHead(response.statusCode ?? 101, [
        ...response.rawHeaders,
        'X-Fediflow-Route',
        route.name,
      ]),
    );
    if (upstreamHead.length > 0) socket.write(upstreamHead);
    if (head.length > 0) upstreamSocket.write(head);
    upstreamSocket.on('error', () => socket.destroy());
    socket.on('error', () => upstreamSocket.destroy());
    upstreamSocket.on('close', () => socket.destroy());
    socket.on('close', () => upstreamSocket.destroy());
    upstreamSocket.pipe(socket).pipe(upstreamSocket);
    log(response.statusCode ?? 101);
  });
  upstream.on('response', (response) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => {
      const headers = Object.entries(forwardable(response.headers)).flatMap(([name, value]) =>
        name === 'content-length'
          ? []
          : (Array.isArray(value) ? value : [String(value)]).flatMap((one) => [name, one]),
      );
      refuseUpgrade(socket, response.statusCode ?? 502, headers, Buffer.concat(chunks));
      log(response.statusCode ?? 502);
    });
    response.on('error', () => socket.destroy());
  });
  // The gateway's own answers, as JSON like sendError's; the first one stands.
  const fail = (status: number, error: string, detail: string) => {
    if (socket.destroyed || socket.writableEnded) return;
    const body = Buffer.from(JSON.stringify({ error, detail }));
    refuseUpgrade(socket, status, ['content-type', 'application/json'], body);
    log(status);
  };
  upstream.on('timeout', () => {
    upstream.destroy();
    fail(504, 'upstream_timeout', `${route.service} took over ${route.timeoutSeconds} s`);
  });
  upstream.on('error', (error) =>
    fail(502, 'upstream_unavailable', `${route.service} (${target.origin}): ${error.message}`),
  );
  upstream.end();
}

/** Starts the gateway on `port` (0: any free port) and resolves with the port it got. */
export async function listen(server: Server, port: number, host = '127.0.0.1'): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** Stops accepting, ends idle keep-alive connections and open streams, and resolves when closed. */
export function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    for (const stream of openStreams.get(server) ?? []) stream.destroy();
  });
}

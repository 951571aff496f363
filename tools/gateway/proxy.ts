/**
 * The local one-origin gateway: routes each request by path to api or federation with the same
 * table the Istio VirtualService is checked against (@fediflow/routes), so ActivityPub peers,
 * browsers and tests see one origin locally as in production.
 *
 * It keeps the client's Host header (HTTP signatures sign it) and adds X-Forwarded-*.
 */
import {
  Agent,
  createServer,
  request,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { routeFor, type PublicService } from '@fediflow/routes';

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
  /** Called once per request with the outcome (the CLI prints it at debug verbosity). */
  onRequest?: (entry: { method: string; path: string; route: string; status: number }) => void;
}

/** An HTTP server (not yet listening) that proxies to `upstreams` by public route. */
export function createGateway({ upstreams, onRequest }: GatewayOptions): Server {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    const route = routeFor(path);
    const target = new URL(path, upstreams[route.service]);
    const clientAddress = req.socket.remoteAddress ?? '';
    const priorFor = req.headers['x-forwarded-for'];
    const headers: IncomingHttpHeaders = {
      ...forwardable(req.headers),
      'x-forwarded-for': priorFor ? `${String(priorFor)}, ${clientAddress}` : clientAddress,
      'x-forwarded-proto': req.headers['x-forwarded-proto'] ?? 'http',
      'x-forwarded-host': req.headers['x-forwarded-host'] ?? req.headers.host ?? '',
    };
    const upstream = request(
      target,
      {
        method: req.method,
        headers,
        agent,
        timeout: route.timeoutSeconds * 1000,
      },
      (response) => {
        res.writeHead(response.statusCode ?? 502, {
          ...forwardable(response.headers),
          'x-fediflow-route': route.name,
        });
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
    req.on('aborted', () => upstream.destroy());
    req.pipe(upstream);
  });
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

/** Stops accepting, ends idle keep-alive connections and resolves when closed. */
export function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

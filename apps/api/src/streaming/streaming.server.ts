import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG, type ApiConfig } from '@fediflow/config';
import { ShutdownState } from '@fediflow/health';
import { StreamChannels } from '@fediflow/social';
// Its types add `wsHandler` to Fastify's route options.
import type {} from '@fastify/websocket';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PassThrough } from 'node:stream';
import { Registry } from 'prom-client';
import type { WebSocket } from 'ws';
import type { AccessToken } from '../common/auth/access-token';
import { AccessTokenLookup } from '../common/auth/access-token-lookup';
import { StreamHub } from './stream-hub';
import { StreamRenderer } from './stream-renderer';
import { StreamSession, type SessionLimits } from './stream-session';
import { StreamingMetrics } from './streaming-metrics';
import { resolveStream, SSE_STREAMS, StreamError, type StreamSpec } from './streams';

/**
 * Mastodon's heartbeats: an SSE comment every 15 s, a WebSocket ping every 30 s. Both are well
 * inside the shortest idle timeout on the way in (Azure's load balancer, 4 minutes; Envoy's
 * stream idle timeout, 5), so a quiet stream is never cut as idle.
 */
const SSE_HEARTBEAT_MS = 15_000;
const WS_PING_MS = 30_000;
/** WebSocket close code 1001: the server is going away (a restart); clients reconnect. */
const GOING_AWAY = 1001;

type StreamQuery = Record<string, string | undefined>;
type StreamingRequest = FastifyRequest<{ Querystring: StreamQuery }> & {
  streaming?: { token: AccessToken | undefined; initial: StreamSpec | undefined };
};

/**
 * Mastodon's streaming API on the api's own listener: `GET /api/v1/streaming` as a WebSocket
 * (subscribe/unsubscribe messages) and the `/api/v1/streaming/*` Server-Sent Events endpoints,
 * fed by this pod's Redis subscriptions (StreamHub). On shutdown every connection is closed so
 * clients reconnect to another pod.
 */
@Injectable()
export class StreamingServer implements BeforeApplicationShutdown, OnApplicationShutdown {
  readonly hub: StreamHub;
  readonly metrics: StreamingMetrics;
  private readonly limits: SessionLimits;
  /** Open connections and how each is closed gracefully. */
  private readonly open = new Map<StreamSession, () => void>();

  constructor(
    @Inject(APP_CONFIG) config: ApiConfig,
    registry: Registry,
    private readonly renderer: StreamRenderer,
    private readonly channels: StreamChannels,
    private readonly tokens: AccessTokenLookup,
    private readonly shutdown: ShutdownState,
  ) {
    this.hub = new StreamHub(config.REDIS_URL, `${config.service}:streaming`, channels.anchor());
    this.metrics = new StreamingMetrics(registry);
    this.limits = {
      maxSubscriptions: config.STREAMING_MAX_SUBSCRIPTIONS,
      maxBufferedBytes: config.STREAMING_MAX_BUFFERED_BYTES,
    };
  }

  get connections(): number {
    return this.open.size;
  }

  /** Registers the routes; @fastify/websocket must be registered on `fastify` already. */
  routes(fastify: FastifyInstance): void {
    fastify.get('/api/v1/streaming/health', (_request, reply) =>
      reply.type('text/plain').send('OK'),
    );
    fastify.route<{ Querystring: StreamQuery }>({
      method: 'GET',
      url: '/api/v1/streaming',
      preValidation: (request, reply) => this.authorize(request, reply),
      // Without an upgrade: Server-Sent Events of `?stream=`.
      handler: (request, reply) => this.serveEvents(request as StreamingRequest, reply),
      wsHandler: (socket, request) => this.serveSocket(socket, request as StreamingRequest),
    });
    for (const [path, stream] of Object.entries(SSE_STREAMS)) {
      fastify.get<{ Querystring: StreamQuery }>(`/api/v1/streaming/${path}`, {
        preValidation: (request, reply) => this.authorize(request, reply, stream),
        handler: (request, reply) => this.serveEvents(request as StreamingRequest, reply),
      });
    }
  }

  beforeApplicationShutdown(): void {
    for (const close of [...this.open.values()]) close();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.hub.close();
  }

  /** Token (query, WebSocket protocol or Authorization header) and the stream asked for. */
  private async authorize(
    request: FastifyRequest<{ Querystring: StreamQuery }>,
    reply: FastifyReply,
    stream = request.query.stream,
  ): Promise<void> {
    if (this.shutdown.shuttingDown) {
      return void reply.code(503).send({ error: 'The server is shutting down' });
    }
    try {
      const token = await this.token(request);
      const initial =
        stream === undefined
          ? undefined
          : resolveStream({ stream, tag: request.query.tag }, token, this.channels);
      (request as StreamingRequest).streaming = { token, initial };
    } catch (error) {
      if (!(error instanceof StreamError)) throw error;
      return void reply.code(error.status).send({ error: error.message });
    }
  }

  private async token(request: FastifyRequest<{ Querystring: StreamQuery }>) {
    const bearer =
      /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1] ??
      request.query.access_token ??
      request.headers['sec-websocket-protocol']?.split(',')[0]?.trim();
    if (!bearer) return undefined;
    const token = await this.tokens.lookup(bearer);
    if (!token) throw new StreamError(401, 'Invalid access token');
    return token;
  }

  private async serveEvents(request: StreamingRequest, reply: FastifyReply): Promise<FastifyReply> {
    const { token, initial } = request.streaming ?? {};
    if (!initial) return reply.code(400).send({ error: 'Unknown stream type' });
    const events = new PassThrough();
    const response = reply.raw;
    const session = new StreamSession(
      token,
      {
        transport: 'sse',
        send: (frame) => events.write(`event: ${frame.event}\ndata: ${frame.payload}\n\n`),
        // What waits in the pipe plus what the socket has not sent yet.
        buffered: () => events.readableLength + response.writableLength,
        terminate: () => response.destroy(),
      },
      this.hub,
      this.renderer,
      this.metrics,
      this.limits,
    );
    const heartbeat = setInterval(() => events.write(':thump\n'), SSE_HEARTBEAT_MS);
    this.open.set(session, () => {
      clearInterval(heartbeat);
      events.end();
    });
    response.once('close', () => {
      clearInterval(heartbeat);
      this.open.delete(session);
      session.close();
      events.destroy();
    });
    await session.subscribe(initial);
    events.write(':)\n');
    return (
      reply
        .header('content-type', 'text/event-stream')
        .header('cache-control', 'private, no-store')
        // Proxies must pass each event at once rather than buffer the response.
        .header('x-accel-buffering', 'no')
        .send(events)
    );
  }

  private serveSocket(socket: WebSocket, request: StreamingRequest): void {
    const { token, initial } = request.streaming ?? {};
    const session = new StreamSession(
      token,
      {
        transport: 'websocket',
        send: (frame) => socket.send(JSON.stringify(frame)),
        buffered: () => socket.bufferedAmount,
        terminate: () => socket.terminate(),
      },
      this.hub,
      this.renderer,
      this.metrics,
      this.limits,
    );
    this.open.set(session, () => {
      socket.close(GOING_AWAY, 'Server shutting down');
      // A client that does not answer the close handshake is not waited for.
      setTimeout(() => socket.terminate(), 2_000).unref();
    });
    let alive = true;
    const ping = setInterval(() => {
      if (!alive) return socket.terminate();
      alive = false;
      socket.ping();
    }, WS_PING_MS);
    socket.on('pong', () => {
      alive = true;
    });
    socket.on('close', () => {
      clearInterval(ping);
      this.open.delete(session);
      session.close();
    });
    const refuse = (error: unknown) => {
      if (!(error instanceof StreamError)) throw error;
      socket.send(JSON.stringify({ error: error.message, status: error.status }));
    };
    if (initial) session.subscribe(initial).catch(refuse);
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      const message = parseClientMessage(String(data));
      if (!message) return refuse(new StreamError(400, 'Invalid message'));
      try {
        const spec = resolveStream(message, token, this.channels);
        if (message.type === 'subscribe') session.subscribe(spec).catch(refuse);
        else session.unsubscribe(spec);
      } catch (error) {
        refuse(error);
      }
    });
  }
}

interface ClientMessage {
  type: 'subscribe' | 'unsubscribe';
  stream?: unknown;
  tag?: unknown;
}

/** `{"type":"subscribe","stream":"hashtag","tag":"cats"}` and its `unsubscribe` twin. */
function parseClientMessage(raw: string): ClientMessage | undefined {
  try {
    const value = JSON.parse(raw) as Partial<ClientMessage> | null;
    if (value && (value.type === 'subscribe' || value.type === 'unsubscribe')) {
      return value as ClientMessage;
    }
  } catch {
    // Not JSON: answered like any other malformed message.
  }
  return undefined;
}

import rateLimit from '@fastify/rate-limit';
import websocket from '@fastify/websocket';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { registerCors } from '@fediflow/bootstrap';
import { APP_CONFIG, type ApiConfig } from '@fediflow/config';
import { REDIS } from '@fediflow/redis';
import { createHash } from 'node:crypto';
import { ApiError, ErrorCode } from '../common/api-error';
import { largestUploadBytes } from '../media/media-limits';
import { StreamingServer } from '../streaming/streaming.server';
import type { Redis } from 'ioredis';
import { registerRequestBodies } from './request-bodies';

/**
 * HTTP concerns of the member API: request bodies as Mastodon accepts them (JSON, forms and
 * multipart with Rails-style names), CORS (Mastodon's policy, libs/bootstrap) and Redis-backed
 * rate limits per token (or per IP for anonymous calls) with Mastodon's headers.
 */
export async function configureApiHttp(app: NestFastifyApplication): Promise<void> {
  const config = app.get<ApiConfig>(APP_CONFIG);
  await registerCors(app);
  await registerRequestBodies(app, largestUploadBytes(config));
  await registerStreaming(app);
  if (!config.RATE_LIMIT_ENABLED) return;

  await app.register(rateLimit, {
    max: config.RATE_LIMIT_MAX,
    timeWindow: config.RATE_LIMIT_WINDOW_SECONDS * 1000,
    redis: app.get<Redis>(REDIS),
    nameSpace: 'rate-limit:',
    // A Redis outage must not take the API down with it: requests pass unlimited meanwhile.
    skipOnError: true,
    allowList: (request) => request.url === '/health' || request.url === '/ready',
    keyGenerator: (request) => {
      const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
      return bearer
        ? `token:${createHash('sha256').update(bearer).digest('hex')}`
        : `ip:${request.ip}`;
    },
    errorResponseBuilder: () => new ApiError(ErrorCode.RateLimited, 'Too many requests'),
    addHeaders: {
      'x-ratelimit-limit': true,
      'x-ratelimit-remaining': true,
      'x-ratelimit-reset': true,
      'retry-after': true,
    },
    addHeadersOnExceeding: {
      'x-ratelimit-limit': true,
      'x-ratelimit-remaining': true,
      'x-ratelimit-reset': true,
    },
  });
  // Mastodon publishes the reset as a timestamp; the plugin gives seconds from now.
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', async (_request, reply, payload) => {
      const reset = reply.getHeader('x-ratelimit-reset');
      if (typeof reset === 'number' || (typeof reset === 'string' && /^\d+$/.test(reset))) {
        void reply.header(
          'x-ratelimit-reset',
          new Date(Date.now() + Number(reset) * 1000).toISOString(),
        );
      }
      return payload;
    });
}

/** The streaming API's WebSocket and SSE routes (apps/api/src/streaming). */
async function registerStreaming(app: NestFastifyApplication): Promise<void> {
  await app.register(websocket, {
    options: {
      // Clients send only small subscribe/unsubscribe messages.
      maxPayload: 16_384,
      // Mastodon clients may send the access token as the subprotocol; it must be echoed.
      handleProtocols: (protocols: Set<string>) => protocols.values().next().value ?? false,
    },
  });
  const streaming = app.get(StreamingServer);
  await app.register(async (scope: FastifyInstance) => streaming.routes(scope));
}

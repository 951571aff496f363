import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { CommonConfig, ServiceName } from '@fediflow/config';
import { DatabaseConnector } from '@fediflow/database';
import { ShutdownState } from '@fediflow/health';
import {
  createLogger,
  createMetricsRegistry,
  HttpMetrics,
  PinoNestLogger,
  routeLogTapeToPino,
  startMetricsServer,
  type MetricsServer,
} from '@fediflow/observability';
import type { DestinationStream, Logger } from 'pino';
import { DependencyUnavailableError } from './errors/dependency-unavailable';
import { ServiceExceptionFilter } from './errors/service-exception.filter';
import { installInputLimits } from './input/input-limits';
import { serviceModule, type ServiceModuleOptions } from './service-module';

/** Probes and scrapes are not traffic: they would drown the access log. */
const QUIET_ROUTES = new Set(['/health', '/ready']);

export interface ServiceApp {
  readonly app: NestFastifyApplication;
  readonly logger: Logger;
  /** Starts the public listener and (when monitoring is on) the metrics listener. */
  listen(): Promise<{ port: number; metricsPort: number | undefined }>;
  /**
   * Graceful stop: readiness fails at once, the listener keeps serving for `SHUTDOWN_DELAY_MS`,
   * then in-flight requests and jobs finish and connections close. Rejects after
   * `SHUTDOWN_GRACE_MS` if draining has not finished.
   */
  shutdown(reason: string): Promise<void>;
}

export async function createServiceApp(
  options: Omit<ServiceModuleOptions, 'registry' | 'config'> & {
    config: CommonConfig & { readonly service: ServiceName };
    host?: string;
    /** Where log lines go (stdout when unset); tests read them here. */
    logDestination?: DestinationStream;
    /** Service-specific HTTP set-up (Fastify plugins) before the app initialises. */
    configure?: (app: NestFastifyApplication) => Promise<void>;
  },
): Promise<ServiceApp> {
  const { config } = options;
  const logger = createLogger(
    { service: config.service, level: config.LOG_LEVEL, bufferedStdout: true },
    options.logDestination,
  );
  routeLogTapeToPino(logger);
  const registry = createMetricsRegistry(config.service);
  const httpMetrics = new HttpMetrics(registry);

  const adapter = new FastifyAdapter({
    logger: false,
    bodyLimit: 1_048_576,
    requestIdHeader: 'x-request-id',
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // Behind the gateway/mesh, the client address is in X-Forwarded-For; trust only our own hops.
    trustProxy: (_address: string, hop: number) => hop < config.TRUST_PROXY_HOPS,
  });
  const fastify = adapter.getInstance();
  // During a PostgreSQL outage every request but the probes answers 503 at once (the connector's
  // heartbeat knows), instead of each waiting for its own query to time out.
  let databaseAvailable = () => false;
  // A handler-stage hook, after the request hooks (CORS headers, rate limits), so a browser can
  // read the 503 too; CORS pre-flights are answered before it and need no database.
  fastify.addHook('preHandler', async (request) => {
    const path = request.url.split('?', 1)[0] ?? '';
    if (!QUIET_ROUTES.has(path) && !databaseAvailable()) {
      throw new DependencyUnavailableError('database');
    }
  });
  let draining = false;
  // While draining, every response closes its keep-alive connection, so the listener can close
  // as soon as in-flight requests finish instead of waiting for idle sockets to time out.
  fastify.addHook('onSend', async (_request, reply, payload) => {
    if (draining) reply.header('connection', 'close');
    return payload;
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    httpMetrics.observe(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    if (!QUIET_ROUTES.has(route)) {
      logger.info(
        {
          req_id: request.id,
          method: request.method,
          route,
          status: reply.statusCode,
          duration_ms: Math.round(reply.elapsedTime * 10) / 10,
        },
        'request completed',
      );
    }
    done();
  });

  const app = await NestFactory.create<NestFastifyApplication>(
    serviceModule({ ...options, registry }),
    adapter,
    { logger: new PinoNestLogger(logger), abortOnError: false },
  );
  installInputLimits(app);
  // Scopes a service registers on Fastify directly (`configure`, e.g. the inboxes) are created
  // before Nest installs its error handler on the root, so they get the same mapper themselves.
  const errors = app.get(ServiceExceptionFilter);
  fastify.addHook('onRegister', (scope) => {
    scope.setErrorHandler((error, request, reply) => errors.reply(error, request, reply));
  });
  const connector = app.get(DatabaseConnector);
  databaseAvailable = () => connector.available;
  await options.configure?.(app);
  const shutdownState = app.get(ShutdownState);
  let metricsServer: MetricsServer | undefined;
  let stopping: Promise<void> | undefined;

  return {
    app,
    logger,
    async listen() {
      await app.listen({ port: config.PORT, host: options.host ?? '0.0.0.0' });
      if (config.MONITORING_ENABLED) {
        metricsServer = await startMetricsServer({
          registry,
          port: config.METRICS_PORT,
          host: options.host,
        });
      }
      const address = fastify.server.address();
      const port = typeof address === 'object' && address ? address.port : config.PORT;
      return { port, metricsPort: metricsServer?.port };
    },
    shutdown(reason) {
      stopping ??= (async () => {
        logger.info({ reason, grace_ms: config.SHUTDOWN_GRACE_MS }, 'shutting down');
        shutdownState.begin();
        draining = true;
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new Error(`draining exceeded SHUTDOWN_GRACE_MS (${config.SHUTDOWN_GRACE_MS} ms)`),
              ),
            config.SHUTDOWN_GRACE_MS,
          );
        });
        const drain = (async () => {
          if (config.SHUTDOWN_DELAY_MS > 0) {
            await new Promise((resolve) => setTimeout(resolve, config.SHUTDOWN_DELAY_MS));
          }
          await app.close();
          await metricsServer?.close();
        })();
        try {
          await Promise.race([drain, deadline]);
        } finally {
          clearTimeout(timer);
        }
        logger.info('shut down cleanly');
      })();
      return stopping;
    },
  };
}

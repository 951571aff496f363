import {
  Catch,
  HttpException,
  Inject,
  Logger,
  Optional,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { dependencyOutage, RETRY_AFTER_SECONDS } from './dependency-unavailable';
import { DOMAIN_ERROR_MAPPER, type DomainErrorMapper, type MappedError } from './domain-errors';
import { InputRejectedError } from './input-rejected.error';

/** Fastify's own client errors (bad JSON, body too large, wrong content type) keep their status. */
interface FastifyClientError {
  code: string;
  statusCode: number;
  message: string;
}

function isFastifyClientError(error: unknown): error is FastifyClientError {
  const candidate = error as Partial<FastifyClientError> | null;
  return (
    error instanceof Error &&
    typeof candidate?.code === 'string' &&
    candidate.code.startsWith('FST_') &&
    typeof candidate.statusCode === 'number' &&
    candidate.statusCode < 500
  );
}

const FASTIFY_MESSAGES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'Request body is too large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Unsupported content type',
  FST_ERR_CTP_INVALID_JSON_BODY: 'Request body is not valid JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'Request body is empty but declared JSON',
};

/**
 * The one place a service turns an error into an HTTP answer, Mastodon style (`{"error": …}`):
 * the service's own domain errors (its `DOMAIN_ERROR_MAPPER`), refused input (4xx), Nest and
 * Fastify client errors, a lost dependency (a `DependencyUnavailableError`, or PostgreSQL's or
 * Redis' own errors: 503 with `Retry-After`). Anything else is a 500 carrying the request id,
 * logged with its stack trace under the same id. Nest routes reach it as the app's filter, routes
 * registered on Fastify directly (the inboxes) as their scope's error handler.
 */
@Catch()
export class ServiceExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(ServiceExceptionFilter.name);

  constructor(
    @Optional() @Inject(DOMAIN_ERROR_MAPPER) private readonly mapDomainError?: DomainErrorMapper,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    this.reply(exception, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }

  /** Also Fastify's error handler, for routes registered outside Nest (the inboxes). */
  reply(exception: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const { status, body, headers } = this.describe(exception, request);
    for (const [name, value] of Object.entries(headers ?? {})) void reply.header(name, value);
    return reply.status(status).send(body);
  }

  describe(exception: unknown, request: FastifyRequest): MappedError {
    const domain = this.mapDomainError?.(exception);
    if (domain) return domain;
    if (exception instanceof InputRejectedError) {
      this.logger.warn({ msg: 'input rejected', reason: exception.message, req_id: request.id });
      return { status: exception.status, body: { error: exception.message } };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      // Deliberate 5xx answers (readiness' 503) keep their body; client errors get Mastodon's shape.
      if (status >= 500 && typeof response === 'object') {
        const headers = status === 503 ? { 'retry-after': String(RETRY_AFTER_SECONDS) } : undefined;
        return { status, body: response as Record<string, unknown>, headers };
      }
      return { status, body: { error: status === 404 ? 'Record not found' : exception.message } };
    }
    if (isFastifyClientError(exception)) {
      this.logger.warn({ msg: 'input rejected', reason: exception.code, req_id: request.id });
      return {
        status: exception.statusCode,
        body: { error: FASTIFY_MESSAGES[exception.code] ?? exception.message },
      };
    }
    const outage = dependencyOutage(exception);
    if (outage) {
      // What the driver or client said (SQS' refusal, ioredis' timeout), not our own wording.
      const reason = outage.cause ?? exception;
      this.logger.warn({
        msg: `${outage.dependency} unavailable`,
        reason: reason instanceof Error ? reason.message : String(reason),
        req_id: request.id,
        url: request.url,
      });
      return {
        status: 503,
        body: { error: outage.message },
        headers: { 'retry-after': String(outage.retryAfterSeconds) },
      };
    }
    this.logger.error({
      msg: 'unhandled error',
      err: exception,
      req_id: request.id,
      url: request.url,
    });
    return { status: 500, body: { error: 'Internal server error', request_id: request.id } };
  }
}

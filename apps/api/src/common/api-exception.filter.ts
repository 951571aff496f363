import {
  Catch,
  HttpException,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, OAuthError, STATUS_BY_CODE } from './api-error';

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
 * Maps every error to Mastodon's error JSON. Unknown errors become a 500 that carries the
 * request id (also logged), so an operator can find the stack trace; nothing internal leaks.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(ApiExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const [status, body] = this.describe(exception, request);
    if (status === 401) reply.header('www-authenticate', 'Bearer realm="FediFlow"');
    void reply.status(status).send(body);
  }

  private describe(exception: unknown, request: FastifyRequest): [number, Record<string, unknown>] {
    if (exception instanceof ApiError) {
      const body: Record<string, unknown> = { error: exception.message };
      if (exception.details) body['details'] = exception.details;
      return [STATUS_BY_CODE[exception.code], body];
    }
    if (exception instanceof OAuthError) {
      return [
        exception.status,
        { error: exception.error, error_description: exception.description },
      ];
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      // Deliberate 5xx answers (readiness' 503) keep their body; client errors get Mastodon's shape.
      if (status >= 500 && typeof response === 'object')
        return [status, response as Record<string, unknown>];
      return [status, { error: status === 404 ? 'Record not found' : exception.message }];
    }
    if (isFastifyClientError(exception)) {
      return [
        exception.statusCode,
        { error: FASTIFY_MESSAGES[exception.code] ?? exception.message },
      ];
    }
    this.logger.error({
      msg: 'unhandled error',
      err: exception,
      req_id: request.id,
      url: request.url,
    });
    return [500, { error: 'Internal server error', request_id: request.id }];
  }
}

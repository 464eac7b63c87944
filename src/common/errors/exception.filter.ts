import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { commonError, DomainError } from './domain-error.js';
import { type ErrorBody, errorBody, statusOf } from './error-body.js';

/** Maps every error to the one shape. Anything unexpected is logged and answered 500 without internals. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const body = toErrorBody(exception);
    if (body.statusCode >= 500) {
      this.logger.error({ err: exception, reqId: request?.id }, 'unhandled error');
    }
    if (
      exception instanceof DomainError &&
      exception.kind === 'rate_limited' &&
      typeof exception.details === 'object'
    ) {
      const retry = (exception.details as { retryAfterSeconds?: number }).retryAfterSeconds;
      if (retry) {
        void reply.header('Retry-After', String(retry));
      }
    }
    void reply.status(body.statusCode).send(body);
  }
}

export function toErrorBody(exception: unknown): ErrorBody {
  const error = asDomainError(exception);
  return errorBody(statusOf(error.kind), error.message, error.code, error.details);
}

/** Errors raised by Nest or Fastify (no route, bad JSON, body too large, wrong content type) get a code of ours. */
function asDomainError(exception: unknown): DomainError {
  if (exception instanceof DomainError) {
    return exception;
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const message =
      typeof response === 'string'
        ? response
        : Array.isArray((response as { message?: unknown }).message)
          ? (response as { message: string[] }).message.join('; ')
          : String((response as { message?: unknown }).message ?? exception.message);
    return requestError(status, message);
  }
  const status = (exception as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const message = status === 413 ? 'Request body is too large' : (exception as Error).message;
    return requestError(status, message, (exception as { code?: unknown }).code);
  }
  return commonError('internal_error', 'Internal server error');
}

const MALFORMED_BODY = new Set(['FST_ERR_CTP_INVALID_JSON_BODY', 'FST_ERR_CTP_EMPTY_JSON_BODY']);

function requestError(status: number, message: string, fastifyCode?: unknown): DomainError {
  if (typeof fastifyCode === 'string' && MALFORMED_BODY.has(fastifyCode)) {
    return commonError('request.malformed', message);
  }
  switch (status) {
    case 404:
      return commonError('route.not_found', message);
    case 413:
      return commonError('request.too_large', message);
    case 415:
      return commonError('request.unsupported_media_type', message);
    case 429:
      return commonError('rate_limited', message);
    default:
      return commonError('request.invalid', message);
  }
}

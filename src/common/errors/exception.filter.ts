import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from './domain-error.js';
import { type ErrorBody, errorBody, STATUS_OF } from './error-body.js';

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
  if (exception instanceof DomainError) {
    return errorBody(STATUS_OF[exception.kind], exception.message, exception.code, exception.details);
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
    return errorBody(status, message);
  }
  // Errors raised by Fastify itself (bad JSON, body too large, wrong content type) carry a 4xx statusCode.
  const status = (exception as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const code = (exception as { code?: string }).code;
    return errorBody(status, fastifyMessage(status, exception as Error), code ? code.toLowerCase() : undefined);
  }
  return errorBody(500, 'Internal server error');
}

function fastifyMessage(status: number, e: Error): string {
  if (status === 413) {
    return 'Request body is too large';
  }
  return e.message;
}

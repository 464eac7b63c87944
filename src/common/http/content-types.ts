import { applyDecorators, type CanActivate, type ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiConsumes } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '../errors/domain-error.js';

/** The methods whose requests may carry a body the service reads. */
export const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** What every operation accepts unless it declares otherwise. */
export const DEFAULT_CONTENT_TYPES = ['application/json'];

const ACCEPTS = 'loyalty-loop:accepts';

/**
 * Declares the content types a route takes instead of JSON, in the server and in the OpenAPI
 * document alike: `@Accepts('application/x-www-form-urlencoded')`. Any other content type is a 415.
 */
export const Accepts = (...types: string[]) => applyDecorators(SetMetadata(ACCEPTS, types), ApiConsumes(...types));

/**
 * 415 for a body whose content type the route does not declare. (Fastify parses JSON, text and
 * forms before any route runs; this refuses them before the handler can act on them. Other
 * types never parse: Fastify answers 415 itself.)
 */
@Injectable()
export class ContentTypeGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') {
      return true;
    }
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (!BODY_METHODS.has(request.method) || !hasBody(request)) {
      return true;
    }
    const accepted =
      this.reflector.getAllAndOverride<string[] | undefined>(ACCEPTS, [context.getHandler(), context.getClass()]) ??
      DEFAULT_CONTENT_TYPES;
    const type = mediaType(request.headers['content-type']);
    if (type !== null && !accepted.includes(type)) {
      throw new DomainError(
        'unsupported_media_type',
        'unsupported_media_type',
        `Content-Type ${type} is not accepted here; send ${accepted.join(' or ')}`,
      );
    }
    return true;
  }
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined;
}

/** `application/json; charset=utf-8` → `application/json`; null when absent. */
function mediaType(header: string | undefined): string | null {
  if (header === undefined) {
    return null;
  }
  return header.split(';')[0].trim().toLowerCase();
}

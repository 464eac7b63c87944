import rateLimit from '@fastify/rate-limit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { errorBody } from '../errors/error-body.js';

/** Rate limits count per credential (each API key or member token), else per client address. */
export function rateLimitKey(request: FastifyRequest): string {
  if (isShareLink(request)) {
    return `r:${request.ip}`;
  }
  // a claim carries its credential in the body: per address, whatever Authorization says
  if (isClaim(request)) {
    return `claim:${request.ip}`;
  }
  const header = request.headers.authorization;
  if (typeof header === 'string' && header.length > 7) {
    return `auth:${createHash('sha256').update(header).digest('base64url').slice(0, 22)}`;
  }
  return `ip:${request.ip}`;
}

/**
 * @fastify/rate-limit (a Fastify plugin, so it runs before routing and body parsing);
 * @nestjs/throttler is CommonJS and cannot load Nest 12 (ESM) under jest.
 */
export async function registerRateLimit(
  app: NestFastifyApplication,
  perMinute: number,
  shareLinkClicksPerMinute: number,
): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    // the public share link is limited per address much lower: a click is counted per request
    // and so are claims (POST /v1/claims): a claim token is the only thing guessed there
    max: (request) => (isShareLink(request) || isClaim(request) ? shareLinkClicksPerMinute : perMinute),
    timeWindow: 60_000,
    keyGenerator: rateLimitKey,
    allowList: (request) => request.url === '/health' || request.url === '/ready',
    errorResponseBuilder: (_request, context) => ({
      ...errorBody(
        429,
        `Rate limit of ${context.max} requests per minute exceeded; retry in ${context.after}`,
        'rate_limited',
      ),
    }),
  });
}

function isShareLink(request: FastifyRequest): boolean {
  return request.url.startsWith('/r/');
}

function isClaim(request: FastifyRequest): boolean {
  return request.url === '/v1/claims' || request.url.startsWith('/v1/claims?');
}

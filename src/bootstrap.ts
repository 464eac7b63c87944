import 'reflect-metadata';
import { NestFactory, Reflector } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import { ContentTypeGuard } from './common/http/content-types.js';
import { refuseInvalidUtf8 } from './common/http/utf8-body.js';
import { registerRateLimit } from './common/http/rate-limit.js';
import { registerConsole } from './console/console-static.js';
import { createValidationPipe } from './common/http/validation.pipe.js';
import type { AppConfig } from './config/app-config.js';
import { NestPinoLogger } from './logging/logger.js';
import { buildOpenApiDocument, serveDocument } from './openapi/openapi-document.js';

export interface CreateAppOptions {
  config: AppConfig;
  databaseUrl: string;
  logger: Logger;
}

/** Builds the whole HTTP application (not yet listening): used by main.ts and by the e2e tests. */
export async function createApp({ config, databaseUrl, logger }: CreateAppOptions): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    bodyLimit: config.bodyLimitBytes,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    routerOptions: { maxParamLength: 200 },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register({ config, databaseUrl }), adapter, {
    logger: new NestPinoLogger(logger),
    abortOnError: false,
    // req.rawBody: the exact bytes, which inbound webhook signatures (Standard Webhooks, Shopify) are over
    rawBody: true,
  });

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });

  refuseInvalidUtf8(fastify);
  await registerRateLimit(app, config.rateLimitPerMinute, config.referralClicksPerMinute);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalGuards(new ContentTypeGuard(app.get(Reflector)));
  await registerConsole(app);

  const document = buildOpenApiDocument(app, `http://localhost:${config.port}`);
  serveDocument(app, document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });

  await app.init();
  await fastify.ready();
  return app;
}

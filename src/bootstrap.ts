import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import { registerRateLimit } from './common/http/rate-limit.js';
import { createValidationPipe } from './common/http/validation.pipe.js';
import type { AppConfig } from './config/app-config.js';
import { NestPinoLogger } from './logging/logger.js';

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
  });

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });

  await registerRateLimit(app, config.rateLimitPerMinute, config.referralClicksPerMinute);
  app.useGlobalPipes(createValidationPipe());

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Loyalty Loop')
      .setDescription(
        'Loyalty-and-referral engine: journey stages, rules, events, points ledger. Errors: { statusCode, error, message, code, details? }.',
      )
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Brand secret key sk_…' }, 'brandKey')
      .addBearerAuth(
        { type: 'http', scheme: 'bearer', description: 'Member token from POST /v1/members/{id}/token' },
        'memberToken',
      )
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Operator token (ADMIN_TOKEN)' }, 'adminToken')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });

  await app.init();
  await fastify.ready();
  return app;
}

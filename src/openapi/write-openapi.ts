import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { writeFileSync } from 'node:fs';
import { AppModule } from '../app.module.js';
import { loadConfig } from '../config/app-config.js';
import { buildOpenApiDocument } from './openapi-document.js';

/**
 * `npm run openapi`: writes the document the service serves at /docs-json to openapi.json, so
 * a client can be generated without running the service. Nest's preview mode builds the module
 * graph without creating providers, so no database is needed. The test suite fails when the
 * file and the served document differ.
 */
export async function openApiJson(): Promise<string> {
  const config = loadConfig({ DATA_DIR: '.data', LOG_LEVEL: 'silent', SCHEDULER_ENABLED: 'false' });
  const app = await NestFactory.create(
    AppModule.register({ config, databaseUrl: 'postgres://unused@127.0.0.1/unused' }),
    new FastifyAdapter(),
    { preview: true, logger: false, abortOnError: false },
  );
  const document = buildOpenApiDocument(app, `http://localhost:${config.port}`);
  await app.close();
  return `${JSON.stringify(document, null, 2)}\n`;
}

if (process.argv[1]?.endsWith('write-openapi.js')) {
  const target = process.argv[2] ?? 'openapi.json';
  writeFileSync(target, await openApiJson());
  console.log(`wrote ${target}`);
}

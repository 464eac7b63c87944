import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Server } from 'node:http';
import request from 'supertest';
import { createApp } from '../../src/bootstrap.js';
import { type AppConfig, loadConfig } from '../../src/config/app-config.js';
import { createLogger } from '../../src/logging/logger.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
/** A fixed SECRETS_KEY for tests (32 bytes, base64). */
export const SECRETS_KEY = Buffer.alloc(32, 0x5e).toString('base64');

export interface TestApp {
  app: NestFastifyApplication;
  server: Server;
  db: TestDatabase;
  http(): ReturnType<typeof request>;
  close(): Promise<void>;
}

/** The configuration every test app runs with (tests move the clock themselves: no scheduler). */
export function testConfig(databaseUrl: string, env: Record<string, string> = {}): AppConfig {
  return loadConfig({
    DATABASE_URL: databaseUrl,
    ADMIN_TOKEN,
    SECRETS_KEY,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SCHEDULER_ENABLED: 'false',
    ...env,
  });
}

/** The real application on a fresh database of its own, ready for supertest. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const config = testConfig(db.url, env);
  const app = await createApp({ config, databaseUrl: db.url, logger: createLogger(config.logLevel) });
  const server = app.getHttpServer() as Server;
  return {
    app,
    server,
    db,
    http: () => request(server),
    async close() {
      await app.close();
      await db.drop();
    },
  };
}

import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Server } from 'node:http';
import request from 'supertest';
import { createApp } from '../../src/bootstrap.js';
import { type AppConfig, loadConfig } from '../../src/config/app-config.js';
import { createLogger } from '../../src/logging/logger.js';
import { servedDocument } from '../../src/openapi/openapi-document.js';
import { OpenApiContract } from './openapi-contract.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
/** A fixed SECRETS_KEY for tests (32 bytes, base64). */
export const SECRETS_KEY = Buffer.alloc(32, 0x5e).toString('base64');

export interface TestApp {
  app: NestFastifyApplication;
  server: Server;
  db: TestDatabase;
  http(): ReturnType<typeof request>;
  /** The served document as a checker of answers, for raw HTTP clients (`http()` checks its own). */
  contract: OpenApiContract;
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
  const contract = new OpenApiContract(servedDocument(app));
  return {
    app,
    server,
    db,
    http: () => checkedAgainst(contract, request(server)),
    contract,
    async close() {
      await app.close();
      await db.drop();
    },
  };
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options']);

/**
 * supertest whose every answer is checked against the served OpenAPI document: an answer with
 * an undeclared status, or a body that breaks its schema, fails the request (after the test's
 * own expectations, so a wrong status still reads as one).
 */
export function checkedAgainst(
  contract: OpenApiContract,
  agent: ReturnType<typeof request>,
): ReturnType<typeof request> {
  return new Proxy(agent, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof prop !== 'string' || !METHODS.has(prop) || typeof value !== 'function') {
        return value;
      }
      return (...args: unknown[]) => {
        const test = (value as (...a: unknown[]) => request.Test).apply(target, args);
        const assert = (test as unknown as { assert: AssertFn }).assert;
        (test as unknown as { assert: AssertFn }).assert = function (this: request.Test, error, res, fn) {
          // a followed redirect's answer is another URL's (often not ours): not checked
          const followed = (res?.redirects ?? []).length > 0;
          const violation = res && !followed ? contract.violation(answerOf(test, res)) : null;
          return assert.call(this, error, res, (e: Error | null, r: request.Response) =>
            fn?.call(this, e ?? (violation ? new Error(violation) : null), r),
          );
        };
        return test;
      };
    },
  });
}

type AssertFn = (
  error: Error | null,
  res: request.Response | undefined,
  fn?: (e: Error | null, r: request.Response) => void,
) => void;

function answerOf(test: request.Test, res: request.Response) {
  const { method, url } = test as unknown as { method: string; url: string };
  const contentType = res.headers['content-type'] as string | undefined;
  const json = contentType !== undefined && /json/i.test(contentType) && res.text !== '' && res.text !== undefined;
  return {
    method,
    path: new URL(url).pathname,
    status: res.status,
    contentType,
    body: json ? (res.body as unknown) : undefined,
    text: res.text,
  };
}

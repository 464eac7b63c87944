import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Server } from 'node:http';
import { DataSource } from 'typeorm';
import { createApp } from '../../../src/bootstrap.js';
import { createLogger } from '../../../src/logging/logger.js';
import { startTestApp, testConfig, type TestApp } from '../../support/test-app.js';
import type { Query } from './db-checks.js';
import { listen } from './http.js';

/** The real app on a fresh database, listening on a port of its own (raw HTTP clients need one), with a SQL handle. */
export async function startListeningApp(
  env: Record<string, string> = {},
): Promise<{ t: TestApp; base: string; query: Query }> {
  const t = await startTestApp(env);
  const base = await listen(t);
  const ds = t.app.get(DataSource);
  return { t, base, query: (sql, params) => ds.query(sql, params) };
}

export interface Instances {
  /** The first instance (supertest helpers and factories use it). */
  t: TestApp;
  /** Every instance's base URL; `next()` takes them in turn, as a round-robin balancer would. */
  bases: string[];
  next(): string;
  query: Query;
  close(): Promise<void>;
}

/**
 * `count` instances of the app on ONE fresh database, each listening on its own port: what
 * scaling out looks like (DESIGN §6). Each has its own group commit and caches; only the
 * database is shared, so every guarantee must hold through it.
 */
export async function startInstances(count: number, env: Record<string, string> = {}): Promise<Instances> {
  const { t, base, query } = await startListeningApp(env);
  const others: NestFastifyApplication[] = [];
  const bases = [base];
  for (let i = 1; i < count; i++) {
    const config = testConfig(t.db.url, env);
    const app = await createApp({ config, databaseUrl: t.db.url, logger: createLogger(config.logLevel) });
    others.push(app);
    bases.push(await listen({ app, server: app.getHttpServer() as Server }));
  }
  let turn = 0;
  return {
    t,
    bases,
    next: () => bases[turn++ % bases.length],
    query,
    async close() {
      await Promise.all(others.map((a) => a.close()));
      await t.close();
    },
  };
}

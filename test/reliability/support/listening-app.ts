import { DataSource } from 'typeorm';
import { startTestApp, type TestApp } from '../../support/test-app.js';
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

// Jest loads global setup outside its ESM transform, so this imports the built code (npm test builds first).
import { startEmbeddedDatabase } from '../../dist/src/database/embedded-database.js';

/**
 * The e2e suites run against TEST_DATABASE_URL (CI: the machine's PostgreSQL). Without it,
 * an embedded PostgreSQL of their own under .data/test. Each suite then makes a fresh database.
 */
export default async function globalSetup() {
  if (process.env.TEST_DATABASE_URL) return;
  const db = await startEmbeddedDatabase({
    dataDir: '.data/test',
    port: Number(process.env.TEST_EMBEDDED_PG_PORT ?? 54330),
    database: 'postgres',
  });
  process.env.TEST_DATABASE_URL = db.url;
  globalThis.__embeddedTestDb = db;
}

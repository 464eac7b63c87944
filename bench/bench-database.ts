import pg from 'pg';
import { startEmbeddedDatabase } from '../src/database/embedded-database.js';
import { runMigrations } from '../src/database/migrations.js';

export interface BenchDatabase {
  url: string;
  serverVersion: string;
  embedded: boolean;
  drop(): Promise<void>;
}

/** A fresh, migrated database for one bench run: on DATABASE_URL's server, else an embedded one. */
export async function openBenchDatabase(): Promise<BenchDatabase> {
  let serverUrl = process.env.DATABASE_URL;
  let stopEmbedded = async () => undefined as void;
  if (!serverUrl) {
    const embedded = await startEmbeddedDatabase({
      dataDir: '.data/bench',
      port: Number(process.env.BENCH_EMBEDDED_PG_PORT ?? 54331),
      database: 'postgres',
    });
    serverUrl = embedded.url;
    stopEmbedded = embedded.stop;
  }
  const name = `loyalty_bench_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const serverVersion = (await admin.query('SHOW server_version')).rows[0].server_version as string;
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await runMigrations(url.toString());
  return {
    url: url.toString(),
    serverVersion,
    embedded: !process.env.DATABASE_URL,
    async drop() {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
      await stopEmbedded();
    },
  };
}

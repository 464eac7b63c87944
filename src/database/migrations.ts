import { DataSource } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';

// Any fixed number: serialises migration runs of instances starting at the same time.
const MIGRATION_LOCK = 7_412_001;

export function migrationDataSource(url: string): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    migrations: MIGRATIONS,
    migrationsTransactionMode: 'each',
    logging: false,
  });
}

/** Applies pending migrations under an advisory lock; returns the names applied. */
export async function runMigrations(url: string): Promise<string[]> {
  const ds = await migrationDataSource(url).initialize();
  try {
    // A session lock: held on one connection of its own while the migrations use another.
    const lock = ds.createQueryRunner();
    await lock.connect();
    try {
      await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      const applied = await ds.runMigrations({ transaction: 'each' });
      return applied.map((m) => m.name);
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      await lock.release();
    }
  } finally {
    await ds.destroy();
  }
}

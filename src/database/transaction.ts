import type { DataSource, EntityManager } from 'typeorm';

// deadlock_detected, serialization_failure: safe to run the whole transaction again
const RETRYABLE = new Set(['40P01', '40001']);

/** Runs work in one transaction, again (up to 3 times) when PostgreSQL aborts it for a deadlock. */
export async function inTransaction<T>(db: DataSource, work: (em: EntityManager) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(work);
    } catch (e) {
      const code =
        (e as { code?: string; driverError?: { code?: string } }).driverError?.code ?? (e as { code?: string }).code;
      if (attempt >= 3 || !code || !RETRYABLE.has(code)) {
        throw e;
      }
    }
  }
}

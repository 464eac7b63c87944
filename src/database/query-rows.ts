import type { EntityManager } from 'typeorm';

/**
 * Runs SQL in the caller's transaction and returns its rows whatever the command:
 * TypeORM answers UPDATE/DELETE with `[rows, count]` but SELECT/INSERT with `rows`.
 */
export async function queryRows<T = Record<string, unknown>>(
  em: EntityManager,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const result: unknown = await em.query(sql, params);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') {
    return result[0] as T[];
  }
  return (result ?? []) as T[];
}

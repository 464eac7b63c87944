import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import { type EntityManager, QueryFailedError } from 'typeorm';

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

/** Statement names by SQL text: the same text is the same prepared statement on every connection. */
const NAMES = new Map<string, string>();
/** Past this many distinct texts (a caller building SQL with values in it) the names are forgotten. */
const MAX_NAMES = 2_000;

function nameOf(sql: string): string {
  let name = NAMES.get(sql);
  if (name === undefined) {
    if (NAMES.size >= MAX_NAMES) {
      NAMES.clear();
    }
    name = `ll_${createHash('sha1').update(sql).digest('base64url').slice(0, 20)}`;
    NAMES.set(sql, name);
  }
  return name;
}

/**
 * A long list (a batch) is planned for its size on each call: planning is then small beside the
 * run, and the generic plan the server settles on for a prepared statement is judged on short lists.
 */
const LONG_LIST = 64;

function isLongList(p: unknown): boolean {
  return Array.isArray(p) && p.length > LONG_LIST;
}

/**
 * `queryRows` for the hot path's fixed SQL, as a named (prepared) statement straight on the
 * transaction's pg client: each connection parses and plans a text once, not on every call
 * (the event write's CTE and the member lock took 0.5–0.7 ms of planning each), and TypeORM's
 * query layer is skipped. Errors come as TypeORM's QueryFailedError, as from `em.query`.
 * Outside a transaction it is `queryRows`.
 */
export async function queryPrepared<T = Record<string, unknown>>(
  em: EntityManager,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const runner = em.queryRunner;
  if (!runner || runner.isReleased || !runner.isTransactionActive || params.some(isLongList)) {
    return queryRows<T>(em, sql, params);
  }
  const client = (await runner.connect()) as PoolClient;
  try {
    const result = await client.query({ name: nameOf(sql), text: sql, values: params });
    return result.rows as T[];
  } catch (e) {
    throw new QueryFailedError(sql, params, e as Error);
  }
}

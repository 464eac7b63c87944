import pg from 'pg';

/** A query function: TypeORM's `DataSource.query` and a pg pool both fit. */
export type Query = (sql: string, params?: unknown[]) => Promise<Array<Record<string, unknown>>>;

/** A pg pool on a database URL, as a Query with an end(). */
export function sqlClient(url: string, max = 4): { query: Query; end(): Promise<void> } {
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle pooled connection the server ends (a database dropped WITH (FORCE) at a suite's end)
  // makes the pool emit 'error'; unheard, that is an uncaught exception in whichever test runs then.
  // A query on a dead connection still rejects, so no check is weakened.
  pool.on('error', () => undefined);
  return {
    query: async (sql, params) => (await pool.query(sql, params as unknown[])).rows,
    end: () => pool.end(),
  };
}

export interface BalanceFault {
  brandId: string;
  memberId: string;
  available: number;
  pending: number;
  availableSum: number;
  pendingSum: number;
  badRunning: number;
}

/**
 * Every member (of one brand, or all) whose balance is not the sum of its ledger entries, whose
 * entries' balance_after is not the running total (by seq), or whose available balance is negative.
 * Empty when the ledger invariant holds (DESIGN §2).
 */
export async function balanceFaults(query: Query, brandId: string | null = null): Promise<BalanceFault[]> {
  const rows = await query(
    `WITH sums AS (
       SELECT brand_id, member_id,
              coalesce(sum(points) FILTER (WHERE status = 'available'), 0) AS available,
              coalesce(sum(points) FILTER (WHERE status = 'pending'), 0) AS pending
         FROM ledger_entries GROUP BY brand_id, member_id),
     running AS (
       SELECT brand_id, member_id,
              count(*) FILTER (WHERE balance_after <> run) AS bad
         FROM (SELECT brand_id, member_id, balance_after,
                      sum(points) OVER (PARTITION BY brand_id, member_id ORDER BY seq) AS run
                 FROM ledger_entries) r
        GROUP BY brand_id, member_id)
     SELECT m.brand_id, m.id, m.points_available, m.points_pending,
            coalesce(s.available, 0) AS available_sum, coalesce(s.pending, 0) AS pending_sum,
            coalesce(r.bad, 0) AS bad_running
       FROM members m
       LEFT JOIN sums s ON s.brand_id = m.brand_id AND s.member_id = m.id
       LEFT JOIN running r ON r.brand_id = m.brand_id AND r.member_id = m.id
      WHERE ($1::uuid IS NULL OR m.brand_id = $1::uuid)
        AND (m.points_available <> coalesce(s.available, 0) OR m.points_pending <> coalesce(s.pending, 0)
             OR coalesce(r.bad, 0) > 0 OR m.points_available < 0)`,
    [brandId],
  );
  return rows.map((r) => ({
    brandId: String(r.brand_id),
    memberId: String(r.id),
    available: Number(r.points_available),
    pending: Number(r.points_pending),
    availableSum: Number(r.available_sum),
    pendingSum: Number(r.pending_sum),
    badRunning: Number(r.bad_running),
  }));
}

/** (event, rule) pairs with more than one ledger entry: an event applied twice. */
export async function doubleAwards(
  query: Query,
  brandId: string | null = null,
): Promise<Array<{ eventId: string; ruleId: string; n: number }>> {
  const rows = await query(
    `SELECT event_id, rule_id, count(*)::int AS n FROM ledger_entries
      WHERE event_id IS NOT NULL AND ($1::uuid IS NULL OR brand_id = $1::uuid)
      GROUP BY brand_id, event_id, rule_id HAVING count(*) > 1`,
    [brandId],
  );
  return rows.map((r) => ({ eventId: String(r.event_id), ruleId: String(r.rule_id), n: Number(r.n) }));
}

/**
 * A fingerprint of every application table: its row count and the newest row version (xmin).
 * A committed INSERT, UPDATE or DELETE changes one of the two; a rolled-back transaction and a
 * row lock change neither. Equal before and after a request: the request wrote nothing at all.
 * (Cheap: big jsonb columns are never read.)
 */
export async function databaseFingerprint(query: Query): Promise<Record<string, string>> {
  let sql = fingerprintSql.get(query);
  if (!sql) {
    const tables = (
      await query(
        `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migrations' ORDER BY tablename`,
      )
    ).map((r) => String(r.tablename));
    sql = tables
      .map(
        (t) =>
          `SELECT '${t}' AS t, count(*)::text || ':' || coalesce(max(xmin::text::bigint), 0)::text AS h FROM "${t}"`,
      )
      .join(' UNION ALL ');
    fingerprintSql.set(query, sql);
  }
  const rows = await query(sql);
  return Object.fromEntries(rows.map((r) => [String(r.t), String(r.h)]));
}

/** The fingerprint query per database (the tables do not change while a suite runs). */
const fingerprintSql = new WeakMap<Query, string>();

/** Table names whose fingerprint differs. */
export function changedTables(before: Record<string, string>, after: Record<string, string>): string[] {
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((t) => before[t] !== after[t]);
}

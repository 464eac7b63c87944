import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { type BrandSettings, withDefaults } from '../brands/brand-settings.js';
import { queryRows } from '../database/query-rows.js';
import { NO_MARK } from './rollup-slice.js';

/** Where a brand's rollups stand: every row with an id at or below a mark is rolled up. */
export interface RollupMarks {
  timezone: string;
  stages: string[];
  events: string;
  changes: string;
  ledger: string;
  rolledAt: Date;
}

export type RollupSource = 'events' | 'changes' | 'ledger';

/** A brand's time zone (its days are the rollups' days) and stage order (the moves' ranks). */
export interface BrandShape {
  zone: string;
  stages: string[];
}

const TABLE: Record<RollupSource, string> = {
  events: 'events',
  changes: 'stage_changes',
  ledger: 'ledger_entries',
};

/**
 * Of a stage change `l`: the days since its member last entered the stage it leaves (null when
 * it leaves none, or no entry is found). The analytics read it for the rolled-up rows.
 */
export const STAY_DAYS = `(SELECT extract(epoch FROM l.created_at - p.created_at) / 86400 FROM stage_changes p
    WHERE l.from_stage IS NOT NULL AND p.brand_id = l.brand_id AND p.member_id = l.member_id
      AND p.to_stage = l.from_stage AND (p.created_at, p.id) < (l.created_at, l.id)
    ORDER BY p.created_at DESC, p.id DESC LIMIT 1)`;

/** Adds a batch's daily counts of rule fires to those already there. */
const ADD_RULE_DAYS = `ON CONFLICT (brand_id, day, rule_id) DO UPDATE SET
  fired = analytics_rule_days.fired + excluded.fired, points = analytics_rule_days.points + excluded.points,
  fires = analytics_rule_days.fires + excluded.fires, starts = analytics_rule_days.starts + excluded.starts,
  prev_at = analytics_rule_days.prev_at + excluded.prev_at`;

const localDay = (column: string) => `((${column} AT TIME ZONE $4)::date - DATE '1970-01-01')`;

/** Rows of a hot table with ids in (after, upto]: a primary-key range, nothing to roll up when 0. */
async function rowsInRange(em: EntityManager, table: string, brandId: string, after: string, upto: string) {
  const [row] = await queryRows(
    em,
    `SELECT count(*)::int AS n FROM ${table} WHERE brand_id = $1 AND id > $2 AND id <= $3`,
    [brandId, after, upto],
  );
  return Number(row.n);
}

/**
 * The analytics rollup tables' one writer. Each pass adds the rows with ids in (after, upto] of
 * one hot table to its rollups and moves the mark, in the caller's transaction: readers see a
 * batch and its mark together or neither.
 */
@Injectable()
export class AnalyticsRollupRepository {
  async marks(em: EntityManager, brandId: string): Promise<RollupMarks | null> {
    const [row] = await queryRows(
      em,
      `SELECT timezone, stages, events_mark, changes_mark, ledger_mark, rolled_at FROM analytics_marks
        WHERE brand_id = $1`,
      [brandId],
    );
    return row
      ? {
          timezone: row.timezone as string,
          stages: row.stages as string[],
          events: row.events_mark as string,
          changes: row.changes_mark as string,
          ledger: row.ledger_mark as string,
          rolledAt: row.rolled_at as Date,
        }
      : null;
  }

  /** The brand's time zone (its days are the rollups' days) and stage order (the moves' ranks) now. */
  async brandShape(em: EntityManager, brandId: string): Promise<BrandShape> {
    const [row] = await queryRows(em, `SELECT settings, stages FROM brands WHERE id = $1`, [brandId]);
    return {
      zone: withDefaults((row?.settings ?? {}) as Partial<BrandSettings>).timezone,
      stages: ((row?.stages ?? []) as Array<{ key: string }>).map((s) => s.key),
    };
  }

  /** Locks the brand's marks row for this pass (made when missing); answers them. */
  async lockMarks(em: EntityManager, brandId: string, timezone: string, stages: string[]): Promise<RollupMarks> {
    await queryRows(
      em,
      `INSERT INTO analytics_marks (brand_id, timezone, stages, events_mark, changes_mark, ledger_mark, rolled_at)
       VALUES ($1, $2, $3, $4, $4, $4, 'epoch') ON CONFLICT (brand_id) DO NOTHING`,
      [brandId, timezone, stages, NO_MARK],
    );
    await queryRows(em, `SELECT 1 FROM analytics_marks WHERE brand_id = $1 FOR UPDATE`, [brandId]);
    return (await this.marks(em, brandId))!;
  }

  /** Forgets the brand's rollups: the next pass rebuilds them from the first row (a zone change, a seeded past). */
  async reset(em: EntityManager, brandId: string): Promise<void> {
    for (const t of [
      'analytics_activity',
      'analytics_purchases',
      'analytics_feedback',
      'analytics_feedback_days',
      'analytics_moves',
      'analytics_ledger_days',
      'analytics_rule_fires',
      'analytics_rule_days',
      'analytics_marks',
    ]) {
      await queryRows(em, `DELETE FROM ${t} WHERE brand_id = $1`, [brandId]);
    }
  }

  /**
   * The highest id a pass may take: rows of transactions still open (or ids made just before
   * one began) may yet commit below it, so it stays behind both now and the oldest open
   * transaction — 70 s: a window ending now then always ends 60 s (a created_at's slack) after
   * the pass, so its last day's ledger and rule sums come from the daily rollups (createdSliceOf)
   * instead of a busy day read row by row (the rules figures read a quarter-million fires that way).
   */
  async safeUpto(em: EntityManager): Promise<Date> {
    const [row] = await queryRows<{ upto: Date }>(
      em,
      `SELECT least(now(), coalesce((SELECT min(xact_start) FROM pg_stat_activity
                                       WHERE pid <> pg_backend_pid() AND xact_start IS NOT NULL
                                         AND datname = current_database()), now()))
              - interval '70 seconds' AS upto`,
    );
    return row.upto;
  }

  /** The id ending the next batch of at most `limit` rows above `after` and below `below`, or null when fewer. */
  async batchEnd(
    em: EntityManager,
    source: RollupSource,
    brandId: string,
    after: string,
    below: string,
    limit: number,
  ): Promise<string | null> {
    const [row] = await queryRows(
      em,
      `SELECT id FROM ${TABLE[source]} WHERE brand_id = $1 AND id > $2 AND id < $3 ORDER BY id OFFSET $4 LIMIT 1`,
      [brandId, after, below, limit - 1],
    );
    return row ? (row.id as string) : null;
  }

  /** Rolls up the events with ids in (after, upto]; answers how many there were. */
  async rollEvents(
    em: EntityManager,
    brandId: string,
    after: string,
    upto: string,
    { zone }: BrandShape,
  ): Promise<number> {
    const range = `FROM events WHERE brand_id = $1 AND id > $2 AND id <= $3`;
    const p = [brandId, after, upto, zone];
    const n = await rowsInRange(em, 'events', brandId, after, upto);
    if (n === 0) {
      return 0;
    }
    await queryRows(
      em,
      `INSERT INTO analytics_activity (brand_id, day, member_id, ats)
       SELECT $1, ${localDay('occurred_at')}, member_id, array_agg(occurred_at) ${range}
        GROUP BY 2, 3
       ON CONFLICT (brand_id, day, member_id) DO UPDATE SET ats = analytics_activity.ats || excluded.ats`,
      p,
    );
    await this.addPurchases(
      em,
      `SELECT occurred_at, id, member_id, (attributes->>'amount')::numeric AS amount
       ${range} AND type = 'purchase'`,
      p.slice(0, 3),
    );
    await queryRows(
      em,
      `WITH f AS (
         SELECT occurred_at, id, ${localDay('occurred_at')} AS day,
                coalesce(attributes->>'touchpoint', attributes->>'channel', 'unspecified') AS touchpoint, stage,
                (attributes->>'rating')::int AS rating
           ${range} AND type = 'feedback' AND jsonb_typeof(attributes->'rating') = 'number'
       ),
       rows AS (
         INSERT INTO analytics_feedback (brand_id, occurred_at, id, day, touchpoint, stage, rating)
         SELECT $1, occurred_at, id, day, touchpoint, stage, rating FROM f
       )
       INSERT INTO analytics_feedback_days (brand_id, day, touchpoint, stage, rating, n)
       SELECT $1, day, touchpoint, stage, rating, count(*) FROM f GROUP BY 2, 3, 4, 5
       ON CONFLICT (brand_id, day, touchpoint, stage, rating) DO UPDATE SET n = analytics_feedback_days.n + excluded.n`,
      p,
    );
    return n;
  }

  /**
   * Adds a batch's purchases (`src`: occurred_at, id, member_id, amount) with each one's member's
   * next purchase and first one already set (ties in occurredAt ordered by id, as the live spans
   * order them), and moves them on the stored purchases they change, in the batch's transaction:
   * a reader never sees a purchase without them. A member's purchases are read only from the one
   * before its first in the batch on (the newest, typically: one row gets its next), by key.
   */
  private async addPurchases(em: EntityManager, src: string, params: unknown[]): Promise<void> {
    await queryRows(
      em,
      `WITH src AS MATERIALIZED (${src}),
       m AS (SELECT DISTINCT ON (member_id) member_id, occurred_at, id FROM src ORDER BY member_id, occurred_at, id),
       -- each member's last stored purchase: before the batch's first (typically), it is all a member needs
       l AS MATERIALIZED (
         SELECT m.member_id, m.occurred_at AS a0, m.id AS i0, p.occurred_at, p.id, p.next_at, p.first_at,
                p.id IS NULL OR (p.occurred_at, p.id) < (m.occurred_at, m.id) AS after_last
           FROM m LEFT JOIN LATERAL (
             SELECT p.occurred_at, p.id, p.next_at, p.first_at FROM analytics_purchases p
              WHERE p.brand_id = $1 AND p.member_id = m.member_id
              ORDER BY p.occurred_at DESC, p.id DESC LIMIT 1) p ON true
       ),
       have AS MATERIALIZED (
         SELECT occurred_at, id, member_id, next_at, first_at FROM l WHERE after_last AND id IS NOT NULL
         UNION ALL
         -- else: from the one before the member's first in the batch
         SELECT p.occurred_at, p.id, l.member_id, p.next_at, p.first_at
           FROM l CROSS JOIN LATERAL (
             (SELECT p.occurred_at, p.id, p.next_at, p.first_at FROM analytics_purchases p
               WHERE p.brand_id = $1 AND p.member_id = l.member_id AND (p.occurred_at, p.id) < (l.a0, l.i0)
               ORDER BY p.occurred_at DESC, p.id DESC LIMIT 1)
             UNION ALL
             (SELECT p.occurred_at, p.id, p.next_at, p.first_at FROM analytics_purchases p
               WHERE p.brand_id = $1 AND p.member_id = l.member_id AND (p.occurred_at, p.id) > (l.a0, l.i0))
           ) p
          WHERE NOT l.after_last
       ),
       -- a stored purchase's first_at is its member's first so far
       x AS MATERIALIZED (
         SELECT occurred_at, id, member_id, amount, fresh, old_next, old_first,
                lead(occurred_at) OVER (PARTITION BY member_id ORDER BY occurred_at, id) AS next_at,
                min(coalesce(old_first, occurred_at)) OVER (PARTITION BY member_id) AS first_at
           FROM (
             SELECT occurred_at, id, member_id, NULL::numeric AS amount, false AS fresh, next_at AS old_next,
                    first_at AS old_first
               FROM have
             UNION ALL
             SELECT occurred_at, id, member_id, amount, true, NULL, NULL FROM src
           ) seq
       ),
       ins AS (
         INSERT INTO analytics_purchases (brand_id, occurred_at, id, member_id, amount, next_at, first_at)
         SELECT $1, occurred_at, id, member_id, amount, next_at, first_at FROM x WHERE fresh
       )
       UPDATE analytics_purchases p SET next_at = x.next_at, first_at = x.first_at FROM x
        WHERE NOT x.fresh AND p.brand_id = $1 AND p.occurred_at = x.occurred_at AND p.id = x.id
          AND (x.old_next IS DISTINCT FROM x.next_at OR x.old_first IS DISTINCT FROM x.first_at)`,
      params,
    );
  }

  /**
   * Adds a batch's moves (`src`: the columns of analytics_moves but the settled two) with each
   * one's member's previous entry into the same stage and first later move to a stage ranked
   * higher in `stages` already set (ties in created_at ordered by id, as the live funnel orders
   * them), and moves those of the member's stored moves that change, in the batch's transaction.
   * A member has a few moves (one a stage reached), read whole by key; the first later move up is
   * a window per rank, read from the latest move back.
   */
  private async addMoves(em: EntityManager, src: string, params: unknown[], stages: string[]): Promise<void> {
    const rank = (column: string) => `array_position($${params.length + 1}::text[], ${column})`;
    const higher = stages.length
      ? `CASE ${rank('to_stage')} ${stages
          .map((_, i) => `WHEN ${i + 1} THEN min(created_at) FILTER (WHERE ${rank('to_stage')} > ${i + 1}) OVER later`)
          .join(' ')} END`
      : 'NULL::timestamptz';
    await queryRows(
      em,
      `WITH src AS MATERIALIZED (${src}),
       have AS MATERIALIZED (
         SELECT p.* FROM (SELECT DISTINCT member_id FROM src) m CROSS JOIN LATERAL (
           SELECT p.created_at, p.id, p.member_id, p.to_stage, p.prev_same_at, p.next_higher_at FROM analytics_moves p
            WHERE p.brand_id = $1 AND p.member_id = m.member_id
           OFFSET 0) p
       ),
       x AS MATERIALIZED (
         SELECT seq.*,
                lag(created_at) OVER (PARTITION BY member_id, to_stage ORDER BY created_at, id) AS prev_same_at,
                ${higher} AS next_higher_at
           FROM (
             SELECT created_at, id, member_id, NULL AS from_stage, to_stage, NULL::uuid AS rule_id, NULL::uuid AS fire_key,
                    NULL::double precision AS stay_days, false AS fresh, prev_same_at AS old_prev, next_higher_at AS old_next
               FROM have
             UNION ALL
             SELECT created_at, id, member_id, from_stage, to_stage, rule_id, fire_key, stay_days, true, NULL, NULL FROM src
           ) seq
         WINDOW later AS (PARTITION BY member_id ORDER BY created_at DESC, id DESC
                          ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
       ),
       ins AS (
         INSERT INTO analytics_moves (brand_id, created_at, id, member_id, from_stage, to_stage, rule_id, fire_key,
                                      stay_days, prev_same_at, next_higher_at)
         SELECT $1, created_at, id, member_id, from_stage, to_stage, rule_id, fire_key, stay_days, prev_same_at,
                next_higher_at
           FROM x WHERE fresh
       )
       UPDATE analytics_moves p SET prev_same_at = x.prev_same_at, next_higher_at = x.next_higher_at FROM x
        WHERE NOT x.fresh AND p.brand_id = $1 AND p.created_at = x.created_at AND p.id = x.id
          AND (x.old_prev IS DISTINCT FROM x.prev_same_at OR x.old_next IS DISTINCT FROM x.next_higher_at)`,
      [...params, stages],
    );
  }

  /**
   * Adds a batch's rule fires (`src`: day, rule_id, fire_key, member_id, points, one row a fire)
   * with each one's prev_day (the day of its (rule, member) pair's fire before: see the migration
   * AnalyticsRollups) already set, and the daily counts with them, in the batch's transaction: a
   * reader never sees a fire without it. A fire already there gets the points; a stored fire whose
   * fire before is now a new one gets its prev_day moved. Each pair's fires are read only from its
   * last day before the batch's first (a hot member's whole history is not windowed again every
   * pass), by key lookups per pair, and a new fire is written once, not inserted and then updated.
   */
  private async addRuleFires(em: EntityManager, brandId: string, src: string, params: unknown[]): Promise<void> {
    await queryRows(
      em,
      `WITH src AS MATERIALIZED (${src}),
       t AS (
         SELECT DISTINCT ON (rule_id, member_id) rule_id, member_id, day AS d0, fire_key AS k0 FROM src
          ORDER BY rule_id, member_id, day, fire_key
       ),
       -- each pair's last stored fire: before the batch's first (typically), it is all a pair needs
       b AS MATERIALIZED (
         SELECT t.*, l.day AS l_day, l.fire_key AS l_key, l.day IS NULL OR (l.day, l.fire_key) < (t.d0, t.k0) AS after_last
           FROM t LEFT JOIN LATERAL (
             SELECT f.day, f.fire_key FROM analytics_rule_fires f
              WHERE f.brand_id = $1 AND f.rule_id = t.rule_id AND f.member_id = t.member_id
              ORDER BY f.day DESC, f.fire_key DESC LIMIT 1) l ON true
       ),
       -- the stored fires to order with the batch's; those on a pair's day p0 or before keep their prev_day
       have AS MATERIALIZED (
         SELECT l_day AS day, rule_id, l_key AS fire_key, member_id, NULL::int AS prev_day, l_day AS p0
           FROM b WHERE after_last AND l_day IS NOT NULL
         UNION ALL
         -- else: from the pair's last day before its first in the batch
         SELECT f.day, g.rule_id, f.fire_key, g.member_id, f.prev_day, g.p0
           FROM (
             SELECT b.rule_id, b.member_id, b.d0,
                    (SELECT max(f.day) FROM analytics_rule_fires f
                      WHERE f.brand_id = $1 AND f.rule_id = b.rule_id AND f.member_id = b.member_id AND f.day < b.d0) AS p0
               FROM b WHERE NOT b.after_last
           ) g CROSS JOIN LATERAL (
             SELECT f.day, f.fire_key, f.prev_day FROM analytics_rule_fires f
              WHERE f.brand_id = $1 AND f.rule_id = g.rule_id AND f.member_id = g.member_id
                AND f.day >= coalesce(g.p0, g.d0)
             OFFSET 0) f
       ),
       -- the stored fires and the batch's, one row a fire (a stored one may get points)
       x AS MATERIALIZED (
         SELECT day, rule_id, fire_key, member_id, NOT stored AS fresh, old_prev, points,
                max(p0) OVER pair IS NULL OR day > max(p0) OVER pair AS settled,
                lag(day) OVER (pair ORDER BY day, fire_key) AS prev_day
           FROM (
             SELECT day, rule_id, fire_key, member_id, bool_or(stored) AS stored, max(old_prev) AS old_prev,
                    sum(points) AS points, max(p0) AS p0
               FROM (
                 SELECT day, rule_id, fire_key, member_id, true AS stored, prev_day AS old_prev, NULL::bigint AS points, p0
                   FROM have
                 UNION ALL
                 SELECT day, rule_id, fire_key, member_id, false, NULL, points, NULL FROM src
               ) seq
              GROUP BY 1, 2, 3, 4
           ) k
         WINDOW pair AS (PARTITION BY rule_id, member_id)
       ),
       ins AS (
         INSERT INTO analytics_rule_fires (brand_id, day, rule_id, fire_key, member_id, points, prev_day)
         SELECT $1, day, rule_id, fire_key, member_id, points, prev_day FROM x WHERE fresh
       ),
       -- stored fires that get points or whose fire before is now a new one
       chg AS MATERIALIZED (
         SELECT day, rule_id, fire_key, member_id, old_prev, prev_day AS new_prev,
                settled AND prev_day IS DISTINCT FROM old_prev AS moved, coalesce(points, 0) AS points
           FROM x
          WHERE NOT fresh AND (settled AND prev_day IS DISTINCT FROM old_prev OR coalesce(points, 0) <> 0)
       ),
       upd AS (
         UPDATE analytics_rule_fires f
            SET points = f.points + c.points, prev_day = CASE WHEN c.moved THEN c.new_prev ELSE f.prev_day END
           FROM chg c
          WHERE f.brand_id = $1 AND f.rule_id = c.rule_id AND f.member_id = c.member_id AND f.day = c.day
            AND f.fire_key = c.fire_key
       ),
       d AS (
         SELECT rule_id, day, points, 0 AS fired, 0 AS fires, 0 AS starts, 0 AS prev_at FROM src
         UNION ALL
         SELECT rule_id, day, 0, (fire_key <> member_id)::int, 1, (prev_day IS NULL)::int, 0 FROM x WHERE fresh
         UNION ALL
         SELECT rule_id, prev_day, 0, 0, 0, 0, 1 FROM x WHERE fresh AND prev_day IS NOT NULL
         UNION ALL
         SELECT rule_id, coalesce(old_prev, day), 0, 0, 0, -(old_prev IS NULL)::int, -(old_prev IS NOT NULL)::int
           FROM chg WHERE moved
         UNION ALL
         SELECT rule_id, coalesce(new_prev, day), 0, 0, 0, (new_prev IS NULL)::int, (new_prev IS NOT NULL)::int
           FROM chg WHERE moved
       )
       INSERT INTO analytics_rule_days (brand_id, rule_id, day, fired, points, fires, starts, prev_at)
       SELECT $1, rule_id, day, sum(fired), sum(points), sum(fires), sum(starts), sum(prev_at) FROM d GROUP BY 2, 3
       HAVING (sum(fired), sum(points), sum(fires), sum(starts), sum(prev_at)) <> (0, 0, 0, 0, 0)
       ${ADD_RULE_DAYS}`,
      params,
    );
  }

  /** Rolls up the stage changes with ids in (after, upto]: the moves with their stays, rule fires. */
  async rollChanges(
    em: EntityManager,
    brandId: string,
    after: string,
    upto: string,
    shape: BrandShape,
  ): Promise<number> {
    const { zone, stages } = shape;
    const range = `FROM stage_changes l WHERE l.brand_id = $1 AND l.id > $2 AND l.id <= $3`;
    const n = await rowsInRange(em, 'stage_changes', brandId, after, upto);
    if (n === 0) {
      return 0;
    }
    await this.addMoves(
      em,
      `SELECT l.created_at, l.id, l.member_id, l.from_stage, l.to_stage, l.rule_id,
              coalesce(l.event_id, l.member_id) AS fire_key, ${STAY_DAYS} AS stay_days
         ${range}`,
      [brandId, after, upto],
      stages,
    );
    await this.addRuleFires(
      em,
      brandId,
      `SELECT ${localDay('l.created_at')} AS day, l.rule_id, coalesce(l.event_id, l.member_id) AS fire_key, l.member_id,
              0::bigint AS points
         ${range} AND l.rule_id IS NOT NULL
        GROUP BY 1, 2, 3, 4`,
      [brandId, after, upto, zone],
    );
    return n;
  }

  /** Rolls up the ledger entries with ids in (after, upto]: flows by kind and day, rule fires. */
  async rollLedger(
    em: EntityManager,
    brandId: string,
    after: string,
    upto: string,
    { zone }: BrandShape,
  ): Promise<number> {
    const range = `FROM ledger_entries WHERE brand_id = $1 AND id > $2 AND id <= $3`;
    const p = [brandId, after, upto, zone];
    const n = await rowsInRange(em, 'ledger_entries', brandId, after, upto);
    if (n === 0) {
      return 0;
    }
    await queryRows(
      em,
      `INSERT INTO analytics_ledger_days (brand_id, day, kind, points)
       SELECT $1, ${localDay('created_at')}, kind, sum(points) ${range} GROUP BY 2, 3
       ON CONFLICT (brand_id, day, kind) DO UPDATE SET points = analytics_ledger_days.points + excluded.points`,
      p,
    );
    await this.addRuleFires(
      em,
      brandId,
      `SELECT ${localDay('created_at')} AS day, rule_id, coalesce(event_id, member_id) AS fire_key, member_id,
              sum(points)::bigint AS points
         ${range} AND rule_id IS NOT NULL AND kind = 'earn'
        GROUP BY 1, 2, 3, 4`,
      p,
    );
    return n;
  }

  async moveMark(em: EntityManager, brandId: string, source: RollupSource, mark: string): Promise<void> {
    await queryRows(em, `UPDATE analytics_marks SET ${source}_mark = $2 WHERE brand_id = $1`, [brandId, mark]);
  }

  /** Every source is rolled up to `at`. */
  async rolledUpTo(em: EntityManager, brandId: string, at: Date): Promise<void> {
    await queryRows(em, `UPDATE analytics_marks SET rolled_at = $2 WHERE brand_id = $1`, [brandId, at]);
  }

  /**
   * Rows of the rollups kept by increments (purchase spans, move ranks, fire days, fires, daily
   * rule counts) that differ from the same recomputed over the brand's whole history: all 0 when
   * the incremental settling is exact. A check for the tests and `bench:rollup-pass` (CHECK=1),
   * never on a pass: it reads the brand's whole history.
   */
  async unsettled(em: EntityManager, brandId: string) {
    const n = async (sql: string) => Number((await queryRows(em, sql, [brandId]))[0].n);
    return {
      purchases: await n(`SELECT count(*) AS n FROM (
        SELECT next_at, first_at,
               lead(occurred_at) OVER (PARTITION BY member_id ORDER BY occurred_at, id) AS want_next,
               min(occurred_at) OVER (PARTITION BY member_id) AS want_first
          FROM analytics_purchases WHERE brand_id = $1) x
        WHERE next_at IS DISTINCT FROM want_next OR first_at IS DISTINCT FROM want_first`),
      moves: await n(`SELECT count(*) AS n FROM analytics_moves p, analytics_marks m
        WHERE p.brand_id = $1 AND m.brand_id = $1
          AND (p.prev_same_at IS DISTINCT FROM (SELECT max(q.created_at) FROM analytics_moves q
                WHERE q.brand_id = $1 AND q.member_id = p.member_id AND q.to_stage = p.to_stage
                  AND (q.created_at, q.id) < (p.created_at, p.id))
            OR p.next_higher_at IS DISTINCT FROM (SELECT min(q.created_at) FROM analytics_moves q
                WHERE q.brand_id = $1 AND q.member_id = p.member_id AND (q.created_at, q.id) > (p.created_at, p.id)
                  AND array_position(m.stages, q.to_stage) > array_position(m.stages, p.to_stage)))`),
      ruleFiresPrevDay: await n(`SELECT count(*) AS n FROM (
        SELECT prev_day, lag(day) OVER (PARTITION BY rule_id, member_id ORDER BY day, fire_key) AS want
          FROM analytics_rule_fires WHERE brand_id = $1) x WHERE prev_day IS DISTINCT FROM want`),
      ruleFires: await n(`WITH m AS (SELECT * FROM analytics_marks WHERE brand_id = $1),
        want AS (
          SELECT day, rule_id, fire_key, member_id, sum(points) AS points FROM (
            SELECT ((l.created_at AT TIME ZONE m.timezone)::date - DATE '1970-01-01') AS day, l.rule_id,
                   coalesce(l.event_id, l.member_id) AS fire_key, l.member_id, l.points
              FROM ledger_entries l, m WHERE l.brand_id = $1 AND l.id <= m.ledger_mark AND l.rule_id IS NOT NULL
               AND l.kind = 'earn'
            UNION ALL
            SELECT ((c.created_at AT TIME ZONE m.timezone)::date - DATE '1970-01-01'), c.rule_id,
                   coalesce(c.event_id, c.member_id), c.member_id, 0
              FROM stage_changes c, m WHERE c.brand_id = $1 AND c.id <= m.changes_mark AND c.rule_id IS NOT NULL) f
          GROUP BY 1, 2, 3, 4),
        have AS (SELECT day, rule_id, fire_key, member_id, points FROM analytics_rule_fires WHERE brand_id = $1)
        SELECT (SELECT count(*) FROM (SELECT * FROM want EXCEPT SELECT * FROM have) a)
             + (SELECT count(*) FROM (SELECT * FROM have EXCEPT SELECT * FROM want) b) AS n`),
      ruleDays: await n(`WITH counted AS (
        SELECT rule_id, day, sum(fired) AS fired, sum(points) AS points, sum(fires) AS fires, sum(starts) AS starts,
               sum(prev_at) AS prev_at FROM (
          SELECT rule_id, day, count(*) FILTER (WHERE fire_key <> member_id) AS fired, sum(points) AS points,
                 count(*) AS fires, count(*) FILTER (WHERE prev_day IS NULL) AS starts, 0 AS prev_at
            FROM analytics_rule_fires WHERE brand_id = $1 GROUP BY 1, 2
          UNION ALL
          SELECT rule_id, prev_day, 0, 0, 0, 0, count(*) FROM analytics_rule_fires
           WHERE brand_id = $1 AND prev_day IS NOT NULL GROUP BY 1, 2) d GROUP BY 1, 2),
        kept AS (SELECT rule_id, day, fired, points, fires, starts, prev_at FROM analytics_rule_days
                  WHERE brand_id = $1 AND (fired, points, fires, starts, prev_at) <> (0, 0, 0, 0, 0))
        SELECT (SELECT count(*) FROM (SELECT * FROM counted EXCEPT SELECT * FROM kept) a)
             + (SELECT count(*) FROM (SELECT * FROM kept EXCEPT SELECT * FROM counted) b) AS n`),
    };
  }
}

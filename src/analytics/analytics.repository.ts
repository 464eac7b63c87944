import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/query-rows.js';
import type { Window } from './analytics-window.js';
import { STAY_DAYS } from './analytics-rollup.repository.js';
import type { Slice } from './rollup-slice.js';

/**
 * The lowest version-7 UUID of an instant: ids are time-ordered, so a table's primary key
 * (brand_id, id) is also its index by creation time — a window of rows is a key range.
 */
export function idFloor(at: Date): string {
  const hex = Math.max(0, at.getTime()).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
}

export interface StageFigures {
  stage: string;
  entered: number;
  advanced: number;
}

export interface FeedbackCell {
  touchpoint: string;
  stage: string | null;
  /** The local day it came in. */
  day: number;
  rating: number;
  n: number;
}

export interface RuleFigures {
  ruleId: string;
  fired: number;
  members: number;
  points: number;
}

/** How far a row's id time may be from its created_at: the id ranges read this much wider. */
const SLACK_MS = 60_000;

/**
 * The id-range conditions that select, of a table whose ids follow created_at, the rows a slice
 * reads live: the partial first and last days and everything above the mark. $1 is the brand;
 * the slice's parameters follow from `at` on.
 */
function liveRows(alias: string, s: Slice, at: number) {
  const a = `${alias}.`;
  const f = (d: Date, ms: number) => idFloor(new Date(d.getTime() + ms));
  const w = s.window;
  return {
    params: [
      f(w.from, -SLACK_MS),
      f(s.fullFrom, SLACK_MS),
      f(s.fullTo, -SLACK_MS),
      f(w.to, SLACK_MS),
      w.from,
      w.to,
      s.fullFrom,
      s.fullTo,
    ],
    where: (mark: string) =>
      `((${a}id >= $${at} AND ${a}id < $${at + 1}) OR (${a}id >= $${at + 2} AND ${a}id < $${at + 3}) OR ${a}id > ${mark})
       AND ${a}created_at >= $${at + 4} AND ${a}created_at < $${at + 5}
       AND (${a}created_at < $${at + 6} OR ${a}created_at >= $${at + 7} OR ${a}id > ${mark})`,
  };
}

/**
 * Read-only queries over one brand's history; every one is bounded by the brand and the window.
 * Each adds, where it can, the rollups (the days at or below the marks) to the live rows the
 * rollups do not hold yet (see Slice), so an answer is exact up to its snapshot.
 */
@Injectable()
export class AnalyticsRepository {
  async snapshotTime(em: EntityManager): Promise<Date> {
    const [row] = await queryRows<{ now: Date }>(em, `SELECT now() AS now`);
    return row.now;
  }

  /**
   * Per stage: members who entered it in the window (first entry each), and of those how many
   * reached a later stage (by the brand's stage order) after that entry and before `to`. The
   * rolled-up moves know their member's previous entry into the same stage and first later move
   * up (set in the batch that rolls a move up); members with changes above the mark are ordered live.
   */
  async stageEntries(em: EntityManager, brandId: string, s: Slice, stageOrder: string[]): Promise<StageFigures[]> {
    const rows = await queryRows(
      em,
      `WITH live AS MATERIALIZED (
         SELECT DISTINCT member_id FROM stage_changes WHERE brand_id = $1 AND id > $6
       ),
       rolled AS (
         SELECT to_stage, count(*) AS entered, count(*) FILTER (WHERE next_higher_at < $3) AS advanced
           FROM analytics_moves p
          WHERE $5::boolean AND brand_id = $1 AND created_at >= $2 AND created_at < $3
            AND (prev_same_at IS NULL OR prev_same_at < $2)
            AND NOT EXISTS (SELECT 1 FROM live l WHERE l.member_id = p.member_id)
          GROUP BY to_stage
       ),
       ch AS (
         SELECT id, member_id, to_stage, created_at, array_position($4::text[], to_stage) AS rank FROM (
           SELECT id, member_id, to_stage, created_at FROM analytics_moves
            WHERE $5::boolean AND brand_id = $1 AND member_id IN (SELECT member_id FROM live)
              AND created_at >= $2 AND created_at < $3
           UNION ALL
           SELECT id, member_id, to_stage, created_at FROM stage_changes
            WHERE brand_id = $1 AND id > $6 AND created_at >= $2 AND created_at < $3
         ) moves
       ),
       ordered AS (
         SELECT to_stage, rank,
                max(rank) OVER (PARTITION BY member_id ORDER BY created_at DESC, id DESC
                                ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS later_rank,
                row_number() OVER (PARTITION BY member_id, to_stage ORDER BY created_at, id) AS nth
           FROM ch
       )
       SELECT to_stage, sum(entered) AS entered, sum(advanced) AS advanced FROM (
         SELECT * FROM rolled
         UNION ALL
         SELECT to_stage, count(*), count(*) FILTER (WHERE later_rank > rank) FROM ordered WHERE nth = 1 GROUP BY to_stage
       ) f
       GROUP BY to_stage`,
      [brandId, s.window.from, s.window.to, stageOrder, s.rolled, s.changesMark],
    );
    return rows.map((r) => ({ stage: r.to_stage as string, entered: Number(r.entered), advanced: Number(r.advanced) }));
  }

  /** Members in each stage now. */
  async membersByStage(em: EntityManager, brandId: string): Promise<Map<string, number>> {
    const rows = await queryRows(em, `SELECT stage, count(*) AS n FROM members WHERE brand_id = $1 GROUP BY stage`, [
      brandId,
    ]);
    return new Map(rows.map((r) => [r.stage as string, Number(r.n)]));
  }

  /**
   * Per stage: the median days members spent in it, over the members who left it in the window:
   * the stays the rollup measured, and those of the changes above its mark measured now.
   */
  async medianDaysInStage(em: EntityManager, brandId: string, s: Slice): Promise<Map<string, number>> {
    const rows = await queryRows(
      em,
      `SELECT stage, percentile_cont(0.5) WITHIN GROUP (ORDER BY days) AS median FROM (
         SELECT from_stage AS stage, stay_days AS days FROM analytics_moves
          WHERE $4::boolean AND brand_id = $1 AND created_at >= $2 AND created_at < $3
         UNION ALL
         SELECT l.from_stage, ${STAY_DAYS} FROM stage_changes l
          WHERE l.brand_id = $1 AND l.id > $5 AND l.created_at >= $2 AND l.created_at < $3
            AND l.from_stage IS NOT NULL
       ) stays
       WHERE days IS NOT NULL
       GROUP BY stage`,
      [brandId, s.window.from, s.window.to, s.rolled, s.changesMark],
    );
    return new Map(rows.map((r) => [r.stage as string, Number(r.median)]));
  }

  /**
   * Retention's spans, counted against the sorted period bounds `ts`: a member is a customer at
   * an instant t when a purchase (at its occurredAt) lies in the `days` before it. A member's
   * purchases become disjoint spans (a, b] with b = min(next purchase, a + days), so a member is
   * a customer at t exactly when one span holds t. Each span is answered as (sa, sb) = how many
   * bounds lie at or before a and b — it holds the bounds numbered sa+1 … sb — with nf, the
   * period of its member's first purchase ever (null before the first period). The rollup gives
   * each purchase its next and first (in the batch that rolls it up); members with purchases above
   * the mark are ordered live.
   */
  async retentionSpans(
    em: EntityManager,
    brandId: string,
    periods: Window[],
    days: number,
    s: Slice,
  ): Promise<Array<{ sa: number; sb: number; nf: number | null; n: number }>> {
    const rows = await queryRows(
      em,
      `WITH periods AS (
         SELECT * FROM unnest($2::timestamptz[], $3::timestamptz[]) WITH ORDINALITY AS p(start, finish, n)
       ),
       b AS (SELECT array_agg(t ORDER BY t) AS ts FROM (SELECT start AS t FROM periods UNION SELECT finish FROM periods) x),
       pa AS (SELECT array_agg(start ORDER BY n) AS starts, min(start) - make_interval(days => $4) AS lo,
                     max(finish) AS hi FROM periods),
       tail AS MATERIALIZED (
         SELECT member_id, occurred_at, id FROM events WHERE brand_id = $1 AND id > $5 AND type = 'purchase'
       ),
       live AS MATERIALIZED (
         SELECT DISTINCT member_id FROM tail
       ),
       rolled AS (
         SELECT p.occurred_at AS a, least(p.next_at, p.occurred_at + make_interval(days => $4)) AS b, p.first_at
           FROM analytics_purchases p, pa
          WHERE $6::boolean AND p.brand_id = $1 AND p.occurred_at >= pa.lo AND p.occurred_at < pa.hi
            AND NOT EXISTS (SELECT 1 FROM live l WHERE l.member_id = p.member_id)
       ),
       ordered AS (
         SELECT a, least(lead(a) OVER (PARTITION BY member_id ORDER BY a, id), a + make_interval(days => $4)) AS b,
                min(a) OVER (PARTITION BY member_id) AS first_at
           FROM (SELECT p.member_id, p.occurred_at AS a, p.id FROM analytics_purchases p
                  WHERE $6::boolean AND p.brand_id = $1 AND p.member_id IN (SELECT member_id FROM live)
                 UNION ALL
                 SELECT member_id, occurred_at, id FROM tail) x
       ),
       spans AS (
         SELECT a, b, first_at FROM rolled
         UNION ALL
         SELECT o.a, o.b, o.first_at FROM ordered o, pa WHERE o.a >= pa.lo AND o.a < pa.hi
       )
       SELECT width_bucket(spans.a, b.ts) AS sa, width_bucket(spans.b, b.ts) AS sb,
              CASE WHEN spans.first_at >= pa.starts[1] THEN width_bucket(spans.first_at, pa.starts) END AS nf,
              count(*) AS n
         FROM spans, b, pa
        GROUP BY 1, 2, 3`,
      [brandId, periods.map((p) => p.from), periods.map((p) => p.to), days, s.eventsMark, s.rolled],
    );
    return rows.map((r) => ({
      sa: Number(r.sa),
      sb: Number(r.sb),
      nf: r.nf === null ? null : Number(r.nf),
      n: Number(r.n),
    }));
  }

  async referralFigures(em: EntityManager, brandId: string, s: Slice) {
    const w = s.window;
    const [row] = await queryRows(
      em,
      `WITH tail AS MATERIALIZED (
         SELECT member_id, type, occurred_at, attributes->>'amount' AS amount FROM events
          WHERE brand_id = $1 AND id > $6 AND occurred_at >= $2 AND occurred_at < $3
       )
       SELECT
         (SELECT count(*) FROM referral_clicks
           WHERE brand_id = $1 AND id >= $4 AND id < $5 AND created_at >= $2 AND created_at < $3) AS clicks,
         (SELECT count(*) FROM referrals
           WHERE brand_id = $1 AND status <> 'rejected' AND created_at >= $2 AND created_at < $3) AS signups,
         (SELECT coalesce(jsonb_object_agg(reason, n), '{}'::jsonb) FROM (
            SELECT coalesce(reason, 'unknown') AS reason, count(*) AS n FROM referrals
             WHERE brand_id = $1 AND status = 'rejected' AND created_at >= $2 AND created_at < $3
             GROUP BY 1) r) AS rejected,
         (SELECT count(*) FROM referrals
           WHERE brand_id = $1 AND status IN ('qualified', 'rewarded') AND qualified_at >= $2 AND qualified_at < $3) AS qualified,
         (SELECT coalesce(sum(p.amount), 0)::text
            FROM referrals r
            JOIN (SELECT member_id, amount FROM analytics_purchases
                   WHERE $7::boolean AND brand_id = $1 AND occurred_at >= $2 AND occurred_at < $3
                  UNION ALL
                  SELECT member_id, amount::numeric FROM tail WHERE type = 'purchase') p ON p.member_id = r.referee_id
           WHERE r.brand_id = $1 AND r.status <> 'rejected') AS referred_revenue,
         (SELECT count(*) FROM (SELECT member_id FROM (
            SELECT member_id FROM analytics_activity
             WHERE $7::boolean AND brand_id = $1 AND day >= $8 AND day < $9
            UNION ALL
            SELECT member_id FROM analytics_activity
             WHERE $7::boolean AND brand_id = $1
               AND ((day >= $10 AND day < $8) OR (day >= $9 AND day <= $11))
               AND EXISTS (SELECT 1 FROM unnest(ats) a WHERE a >= $2 AND a < $3)
            UNION ALL
            SELECT member_id FROM tail) m GROUP BY member_id) d) AS active_members`,
      [
        brandId,
        w.from,
        w.to,
        idFloor(w.from),
        idFloor(new Date(w.to.getTime() + 1)),
        s.eventsMark,
        s.rolled,
        s.firstDay,
        s.endDay,
        s.loDay,
        s.hiDay,
      ],
    );
    return {
      clicks: Number(row.clicks),
      signups: Number(row.signups),
      rejected: Object.fromEntries(
        Object.entries(row.rejected as Record<string, number | string>).map(([k, v]) => [k, Number(v)]),
      ),
      qualified: Number(row.qualified),
      referredRevenue: row.referred_revenue as string,
      activeMembers: Number(row.active_members),
    };
  }

  /** The ledger's points by entry kind, over entries written in the window: daily rollups and live rows. */
  async ledgerFlows(em: EntityManager, brandId: string, s: Slice): Promise<Map<string, number>> {
    const live = liveRows('l', s, 5);
    const rows = await queryRows(
      em,
      `SELECT kind, sum(points) AS points FROM (
         SELECT kind, points FROM analytics_ledger_days WHERE brand_id = $1 AND day >= $2 AND day < $3 AND $4::boolean
         UNION ALL
         SELECT l.kind, l.points FROM ledger_entries l WHERE l.brand_id = $1 AND ${live.where('$13')}
       ) f GROUP BY kind`,
      [brandId, s.firstDay, s.endDay, s.rolled, ...live.params, s.ledgerMark],
    );
    return new Map(rows.map((r) => [r.kind as string, Number(r.points)]));
  }

  /** What the brand's members hold, and its worth at `pointValue` per point (exact decimal). */
  async liability(em: EntityManager, brandId: string, pointValue: string | null) {
    const [row] = await queryRows(
      em,
      `SELECT coalesce(sum(points_available), 0) AS available, coalesce(sum(points_pending), 0) AS pending,
              (coalesce(sum(points_available + points_pending), 0) * $2::numeric)::text AS value
         FROM members WHERE brand_id = $1`,
      [brandId, pointValue],
    );
    return {
      available: Number(row.available),
      pending: Number(row.pending),
      value: (row.value as string | null) ?? null,
    };
  }

  async brandRules(em: EntityManager, brandId: string) {
    const rows = await queryRows(
      em,
      `SELECT id, name, event_type, status, definition->'stages' AS stages FROM rules
        WHERE brand_id = $1 ORDER BY created_at, id`,
      [brandId],
    );
    return rows.map((r) => ({
      id: r.id as string,
      name: r.name as string,
      event: r.event_type as string,
      status: r.status as string,
      stages: Array.isArray(r.stages) ? (r.stages as string[]) : [],
    }));
  }

  /**
   * Per rule, over the window: events it fired on (points or a stage move), members, points.
   * A fire is keyed by its event (by its member when it has none). An event's fires of one rule
   * share a transaction, so a local day and a rolled-up row: over whole days, the daily sums
   * count fires, points and members (see the migration AnalyticsRuleDays) without reading fires. Live fires (partial days,
   * above the marks) are grouped by key and counted unless their row is rolled up already.
   */
  async ruleFigures(em: EntityManager, brandId: string, s: Slice, zone: string): Promise<RuleFigures[]> {
    const ledger = liveRows('l', s, 5);
    const rows = await queryRows(
      em,
      `WITH live AS MATERIALIZED (
         SELECT rule_id, fire_key, member_id, (at AT TIME ZONE $15)::date - DATE '1970-01-01' AS day,
                sum(points) AS points
           FROM (
             SELECT l.rule_id, coalesce(l.event_id, l.member_id) AS fire_key, l.member_id, l.points, l.created_at AS at
               FROM ledger_entries l
              WHERE l.brand_id = $1 AND ${ledger.where('$13')} AND l.rule_id IS NOT NULL AND l.kind = 'earn'
             UNION ALL
             SELECT rule_id, fire_key, member_id, 0, created_at FROM analytics_moves
              WHERE $4::boolean AND brand_id = $1 AND rule_id IS NOT NULL
                AND ((created_at >= $9 AND created_at < $11) OR (created_at >= $12 AND created_at < $10))
             UNION ALL
             SELECT c.rule_id, coalesce(c.event_id, c.member_id), c.member_id, 0, c.created_at FROM stage_changes c
              WHERE c.brand_id = $1 AND c.id > $14 AND c.created_at >= $9 AND c.created_at < $10
                AND c.rule_id IS NOT NULL
           ) f
          GROUP BY 1, 2, 3, 4
       ),
       -- whole days [A, B) = [$2, $3), from the daily sums: an event-keyed fire is one fire; a member
       -- counts on their first fire of the window: a start (no fire before) in it, or a fire at or
       -- after A whose fire before lies before A (the days before A: prev_at - (fires - starts)),
       -- less those at or after B (long_gaps: a gap longer than the window is more than 0 days, so
       -- day > prev_day, the gap index's rows)
       rolled AS (
         SELECT rule_id, sum(points) FILTER (WHERE day >= $2) AS points, sum(fired) FILTER (WHERE day >= $2) AS fired,
                coalesce(sum(starts) FILTER (WHERE day >= $2), 0)
                  + coalesce(sum(prev_at - fires + starts) FILTER (WHERE day < $2), 0) AS members
           FROM analytics_rule_days
          WHERE $4::boolean AND brand_id = $1 AND day < $3
          GROUP BY rule_id
         HAVING sum(fires) FILTER (WHERE day >= $2) > 0
       ),
       long_gaps AS (
         SELECT rule_id, count(*) AS n FROM analytics_rule_fires
          WHERE $4::boolean AND brand_id = $1 AND day > prev_day AND day - prev_day > $3::int - $2::int
            AND prev_day < $2 AND day >= $3
          GROUP BY rule_id
       ),
       -- fires of a member with no event (rare): one fire per member over the window
       member_keyed AS (
         SELECT rule_id, count(DISTINCT member_id) AS fired FROM analytics_rule_fires
          WHERE $4::boolean AND brand_id = $1 AND fire_key = member_id AND day >= $2 AND day < $3
          GROUP BY rule_id
       ),
       live_member_keyed AS (
         SELECT rule_id, count(*) AS fired FROM (
           SELECT DISTINCT rule_id, member_id FROM live l
            WHERE fire_key = member_id AND NOT EXISTS (
              SELECT 1 FROM analytics_rule_fires r
               WHERE $4::boolean AND r.brand_id = $1 AND r.rule_id = l.rule_id AND r.member_id = l.member_id
                 AND r.day >= $2 AND r.day < $3 AND r.fire_key = r.member_id)
         ) k GROUP BY rule_id
       ),
       live_fires AS (
         SELECT rule_id, count(*) AS fired FROM (
           SELECT DISTINCT rule_id, fire_key FROM live l
            WHERE fire_key <> member_id AND NOT EXISTS (
              SELECT 1 FROM analytics_rule_fires r
               WHERE $4::boolean AND r.brand_id = $1 AND r.day = l.day AND r.day >= $2 AND r.day < $3
                 AND r.rule_id = l.rule_id AND r.fire_key = l.fire_key AND r.member_id = l.member_id)
         ) k GROUP BY rule_id
       ),
       -- members with live fires only, none on the whole days
       live_members AS (
         SELECT rule_id, count(*) AS members FROM (
           SELECT DISTINCT rule_id, member_id FROM live l
            WHERE NOT EXISTS (
              SELECT 1 FROM analytics_rule_fires r
               WHERE $4::boolean AND r.brand_id = $1 AND r.rule_id = l.rule_id AND r.member_id = l.member_id
                 AND r.day >= $2 AND r.day < $3)
         ) m GROUP BY rule_id
       ),
       live_points AS (SELECT rule_id, sum(points) AS points FROM live GROUP BY rule_id),
       rules AS (SELECT rule_id FROM rolled UNION SELECT rule_id FROM live)
       SELECT r.rule_id,
              coalesce(ro.fired, 0) + coalesce(lf.fired, 0) + coalesce(mk.fired, 0) + coalesce(lk.fired, 0)
                AS fired,
              coalesce(ro.members - coalesce(lg.n, 0), 0) + coalesce(lm.members, 0) AS members,
              coalesce(ro.points, 0) + coalesce(lp.points, 0) AS points
         FROM rules r
         LEFT JOIN rolled ro USING (rule_id)
         LEFT JOIN long_gaps lg USING (rule_id)
         LEFT JOIN member_keyed mk USING (rule_id)
         LEFT JOIN live_fires lf USING (rule_id)
         LEFT JOIN live_member_keyed lk USING (rule_id)
         LEFT JOIN live_members lm USING (rule_id)
         LEFT JOIN live_points lp USING (rule_id)`,
      [brandId, s.firstDay, s.endDay, s.rolled, ...ledger.params, s.ledgerMark, s.changesMark, zone],
    );
    return rows.map((r) => ({
      ruleId: r.rule_id as string,
      fired: Number(r.fired),
      members: Number(r.members),
      points: Number(r.points),
    }));
  }

  /**
   * Feedback in the window, counted by touchpoint, stage, local day and rating: the daily
   * rollup for whole days, its rows for the partial ones, the events above its mark.
   */
  async feedback(em: EntityManager, brandId: string, s: Slice, zone: string): Promise<FeedbackCell[]> {
    const w = s.window;
    const rows = await queryRows(
      em,
      `SELECT touchpoint, stage, day, rating, sum(n) AS n FROM (
         SELECT touchpoint, stage, day, rating, n FROM analytics_feedback_days
          WHERE $6::boolean AND brand_id = $1 AND day >= $7 AND day < $8
         UNION ALL
         SELECT touchpoint, stage, day, rating, 1 FROM analytics_feedback
          WHERE $6::boolean AND brand_id = $1
            AND ((occurred_at >= $2 AND occurred_at < $9) OR (occurred_at >= $10 AND occurred_at < $3))
         UNION ALL
         SELECT coalesce(attributes->>'touchpoint', attributes->>'channel', 'unspecified'), stage,
                (occurred_at AT TIME ZONE $4)::date - DATE '1970-01-01', (attributes->>'rating')::int, 1
           FROM events
          WHERE brand_id = $1 AND id > $5 AND occurred_at >= $2 AND occurred_at < $3 AND type = 'feedback'
            AND jsonb_typeof(attributes->'rating') = 'number'
       ) f
       GROUP BY 1, 2, 3, 4`,
      [brandId, w.from, w.to, zone, s.eventsMark, s.rolled, s.firstDay, s.endDay, s.fullFrom, s.fullTo],
    );
    return rows.map((r) => ({
      touchpoint: r.touchpoint as string,
      stage: (r.stage as string | null) ?? null,
      day: Number(r.day),
      rating: Number(r.rating),
      n: Number(r.n),
    }));
  }
}

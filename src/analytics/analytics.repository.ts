import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/query-rows.js';
import type { Window } from './analytics-window.js';

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
  bucket: Date;
  rating: number;
  n: number;
}

export interface RuleFigures {
  ruleId: string;
  fired: number;
  members: number;
  points: number;
}

/** Read-only queries over one brand's history; every one is bounded by the brand and the window. */
@Injectable()
export class AnalyticsRepository {
  async snapshotTime(em: EntityManager): Promise<Date> {
    const [row] = await queryRows<{ now: Date }>(em, `SELECT now() AS now`);
    return row.now;
  }

  /**
   * Per stage: members who entered it in the window (first entry each), and of those how many
   * reached a later stage (by the brand's stage order) after that entry and before `to`.
   */
  async stageEntries(em: EntityManager, brandId: string, w: Window, stageOrder: string[]): Promise<StageFigures[]> {
    const rows = await queryRows(
      em,
      `WITH ch AS (
         SELECT id, member_id, to_stage, created_at, array_position($4::text[], to_stage) AS rank
           FROM stage_changes
          WHERE brand_id = $1 AND created_at >= $2 AND created_at < $3
       ),
       ordered AS (
         SELECT to_stage, rank,
                max(rank) OVER (PARTITION BY member_id ORDER BY created_at DESC, id DESC
                                ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS later_rank,
                row_number() OVER (PARTITION BY member_id, to_stage ORDER BY created_at, id) AS nth
           FROM ch
       )
       SELECT to_stage, count(*) AS entered, count(*) FILTER (WHERE later_rank > rank) AS advanced
         FROM ordered WHERE nth = 1 GROUP BY to_stage`,
      [brandId, w.from, w.to, stageOrder],
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

  /** Per stage: the median days members spent in it, over the members who left it in the window. */
  async medianDaysInStage(em: EntityManager, brandId: string, w: Window): Promise<Map<string, number>> {
    const rows = await queryRows(
      em,
      `SELECT l.from_stage AS stage,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM l.created_at - e.created_at) / 86400) AS median
         FROM stage_changes l
         CROSS JOIN LATERAL (
           SELECT p.created_at FROM stage_changes p
            WHERE p.brand_id = l.brand_id AND p.member_id = l.member_id AND p.to_stage = l.from_stage
              AND (p.created_at, p.id) < (l.created_at, l.id)
            ORDER BY p.created_at DESC, p.id DESC LIMIT 1
         ) e
        WHERE l.brand_id = $1 AND l.created_at >= $2 AND l.created_at < $3 AND l.from_stage IS NOT NULL
        GROUP BY l.from_stage`,
      [brandId, w.from, w.to],
    );
    return new Map(rows.map((r) => [r.stage as string, Number(r.median)]));
  }

  /**
   * Customers at each instant of `bounds` (a purchase in the `days` before it, counted at its
   * occurredAt), and per period the members whose first purchase ever falls in it and who are
   * customers at its end. A member's purchases become disjoint spans (p, min(next p, p + days)]:
   * a member is a customer at t exactly when one span holds t, so counting spans needs no DISTINCT.
   */
  async retention(
    em: EntityManager,
    brandId: string,
    periods: Window[],
    days: number,
  ): Promise<Array<{ s: number; e: number; n: number }>> {
    const rows = await queryRows(
      em,
      `WITH periods AS (
         SELECT * FROM unnest($2::timestamptz[], $3::timestamptz[]) WITH ORDINALITY AS p(start, finish, n)
       ),
       buys AS (
         SELECT member_id, occurred_at FROM events
          WHERE brand_id = $1 AND type = 'purchase'
            AND occurred_at >= (SELECT min(start) FROM periods) - make_interval(days => $4)
            AND occurred_at < (SELECT max(finish) FROM periods)
       ),
       spans AS (
         SELECT member_id, occurred_at AS a,
                least(lead(occurred_at) OVER (PARTITION BY member_id ORDER BY occurred_at),
                      occurred_at + make_interval(days => $4)) AS b
           FROM buys
       ),
       bounds AS (SELECT start AS t FROM periods UNION SELECT finish FROM periods),
       customers AS (
         SELECT bounds.t, count(s.member_id) AS n FROM bounds LEFT JOIN spans s ON s.a < bounds.t AND bounds.t <= s.b
          GROUP BY bounds.t
       ),
       firsts AS (
         SELECT f.member_id, f.first_at FROM (
           SELECT member_id, min(occurred_at) AS first_at FROM buys GROUP BY member_id
         ) f
          WHERE f.first_at >= (SELECT min(start) FROM periods)
            AND NOT EXISTS (SELECT 1 FROM events x WHERE x.brand_id = $1 AND x.member_id = f.member_id
                               AND x.type = 'purchase' AND x.occurred_at < f.first_at)
       ),
       newcomers AS (
         SELECT p.n, count(*) AS n_new FROM periods p
           JOIN firsts f ON f.first_at >= p.start AND f.first_at < p.finish
           JOIN spans s ON s.member_id = f.member_id AND s.a < p.finish AND p.finish <= s.b
          GROUP BY p.n
       )
       SELECT p.n, cs.n AS s, ce.n AS e, coalesce(nc.n_new, 0) AS n_new
         FROM periods p
         JOIN customers cs ON cs.t = p.start
         JOIN customers ce ON ce.t = p.finish
         LEFT JOIN newcomers nc ON nc.n = p.n
        ORDER BY p.n`,
      [brandId, periods.map((p) => p.from), periods.map((p) => p.to), days],
    );
    return rows.map((r) => ({ s: Number(r.s), e: Number(r.e), n: Number(r.n_new) }));
  }

  async referralFigures(em: EntityManager, brandId: string, w: Window) {
    const [row] = await queryRows(
      em,
      `SELECT
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
         (SELECT coalesce(sum((e.attributes->>'amount')::numeric), 0)::text
            FROM referrals r
            JOIN events e ON e.brand_id = r.brand_id AND e.member_id = r.referee_id
           WHERE r.brand_id = $1 AND r.status <> 'rejected'
             AND e.type = 'purchase' AND e.occurred_at >= $2 AND e.occurred_at < $3) AS referred_revenue,
         (SELECT count(DISTINCT member_id) FROM events
           WHERE brand_id = $1 AND occurred_at >= $2 AND occurred_at < $3) AS active_members`,
      [brandId, w.from, w.to, idFloor(w.from), idFloor(new Date(w.to.getTime() + 1))],
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

  /** The ledger's points by entry kind, over entries written in the window. */
  async ledgerFlows(em: EntityManager, brandId: string, w: Window): Promise<Map<string, number>> {
    const rows = await queryRows(
      em,
      `SELECT kind, sum(points) AS points FROM ledger_entries
        WHERE brand_id = $1 AND id >= $4 AND id < $5 AND created_at >= $2 AND created_at < $3
        GROUP BY kind`,
      [brandId, w.from, w.to, idFloor(w.from), idFloor(new Date(w.to.getTime() + 1))],
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

  /** Per rule, over the window: events it fired on (points or a stage move), members, points. */
  async ruleFigures(em: EntityManager, brandId: string, w: Window): Promise<RuleFigures[]> {
    const rows = await queryRows(
      em,
      `WITH fires AS (
         SELECT rule_id, event_id, member_id, points FROM ledger_entries
          WHERE brand_id = $1 AND id >= $4 AND id < $5 AND created_at >= $2 AND created_at < $3
            AND rule_id IS NOT NULL AND kind = 'earn'
         UNION ALL
         SELECT rule_id, event_id, member_id, 0 FROM stage_changes
          WHERE brand_id = $1 AND created_at >= $2 AND created_at < $3 AND rule_id IS NOT NULL
       )
       SELECT rule_id, count(DISTINCT coalesce(event_id::text, member_id::text)) AS fired,
              count(DISTINCT member_id) AS members, sum(points) AS points
         FROM fires GROUP BY rule_id`,
      [brandId, w.from, w.to, idFloor(w.from), idFloor(new Date(w.to.getTime() + 1))],
    );
    return rows.map((r) => ({
      ruleId: r.rule_id as string,
      fired: Number(r.fired),
      members: Number(r.members),
      points: Number(r.points),
    }));
  }

  /** Feedback in the window, counted by touchpoint, stage, local calendar bucket and rating. */
  async feedback(
    em: EntityManager,
    brandId: string,
    w: Window,
    interval: 'day' | 'week' | 'month',
    zone: string,
  ): Promise<FeedbackCell[]> {
    const rows = await queryRows(
      em,
      `SELECT coalesce(attributes->>'touchpoint', attributes->>'channel', 'unspecified') AS touchpoint, stage,
              date_trunc($4, occurred_at AT TIME ZONE $5) AT TIME ZONE $5 AS bucket,
              (attributes->>'rating')::int AS rating, count(*) AS n
         FROM events
        WHERE brand_id = $1 AND occurred_at >= $2 AND occurred_at < $3 AND type = 'feedback'
          AND jsonb_typeof(attributes->'rating') = 'number'
        GROUP BY 1, 2, 3, 4`,
      [brandId, w.from, w.to, interval, zone],
    );
    return rows.map((r) => ({
      touchpoint: r.touchpoint as string,
      stage: (r.stage as string | null) ?? null,
      bucket: r.bucket as Date,
      rating: Number(r.rating),
      n: Number(r.n),
    }));
  }
}

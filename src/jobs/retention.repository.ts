import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/query-rows.js';

/**
 * Which members of a page may have a finding: a superset, worked out in SQL so that only these
 * rows leave the database; the pure findings (retention-findings.ts) decide exactly.
 */
export interface CandidateFilter {
  /** Last activity (purchase, else enrolment) before this instant: maybe inactive. */
  activeBefore: Date;
  /** Enrolled on one of these UTC month-days ('MM-DD'): maybe an anniversary. */
  enrolledOn: string[];
  /** A purchase at or after this instant: maybe a streak (its purchase months are read). */
  boughtSince: Date;
  /** Local month starts, oldest first, then next month's: the streak's windows. */
  monthBounds: Date[];
}

export interface RetentionCandidate {
  id: string;
  enrolledAt: Date;
  lastPurchaseAt: Date | null;
  /** Indexes i of the windows [monthBounds[i], monthBounds[i + 1]) holding a purchase; read only for streak candidates. */
  monthsBought: Set<number>;
}

export interface CandidatePage {
  /** How many members the page visited. */
  visited: number;
  /** The highest id it visited (the next page's keyset cursor); null when it was empty. */
  last: string | null;
  candidates: RetentionCandidate[];
}

interface PageRow {
  id: string | null;
  enrolled_at: Date | null;
  last_purchase_at: Date | null;
  months: number[] | null;
  visited: number;
  last_id: string | null;
}

/** What the retention scan reads: candidate members a page at a time, and keys already used. */
@Injectable()
export class RetentionRepository {
  /**
   * The next `size` members of the brand after `after` in primary-key order (keyset, so every
   * page costs the same however deep the scan is), reduced in the same statement to the
   * candidates, with the purchase months of the streak candidates. A trailing row carries the
   * page's size and last id even when no member of it is a candidate.
   */
  async candidatePage(
    em: EntityManager,
    brandId: string,
    after: string | null,
    size: number,
    f: CandidateFilter,
  ): Promise<CandidatePage> {
    const bounds = f.monthBounds;
    const rows = await queryRows<PageRow>(
      em,
      `WITH page AS MATERIALIZED (
         SELECT id, enrolled_at, last_purchase_at FROM members
          WHERE brand_id = $1 AND ($2::uuid IS NULL OR id > $2::uuid)
          ORDER BY brand_id, id LIMIT $3
       )
       SELECT p.id, p.enrolled_at, p.last_purchase_at,
              CASE WHEN p.last_purchase_at >= $6 THEN ARRAY(
                -- width_bucket answers i + 1 for bounds[i] <= t < bounds[i + 1]
                SELECT DISTINCT width_bucket(e.occurred_at, $7::timestamptz[]) - 1 FROM events e
                 WHERE e.brand_id = $1 AND e.member_id = p.id AND e.type = 'purchase'
                   AND e.occurred_at >= $8 AND e.occurred_at < $9) END AS months,
              NULL::int AS visited, NULL::uuid AS last_id
         FROM page p
        WHERE coalesce(p.last_purchase_at, p.enrolled_at) < $4
           OR to_char(p.enrolled_at AT TIME ZONE 'UTC', 'MM-DD') = ANY($5::text[])
           OR p.last_purchase_at >= $6
       UNION ALL
       SELECT NULL, NULL, NULL, NULL, count(*)::int, (SELECT id FROM page ORDER BY id DESC LIMIT 1) FROM page`,
      [brandId, after, size, f.activeBefore, f.enrolledOn, f.boughtSince, bounds, bounds[0], bounds[bounds.length - 1]],
    );
    const page: CandidatePage = { visited: 0, last: null, candidates: [] };
    for (const r of rows) {
      if (r.id === null) {
        page.visited = r.visited;
        page.last = r.last_id;
      } else {
        page.candidates.push({
          id: r.id,
          enrolledAt: r.enrolled_at!,
          lastPurchaseAt: r.last_purchase_at,
          monthsBought: new Set((r.months ?? []).map(Number)),
        });
      }
    }
    return page;
  }

  /**
   * The idempotency keys among these that an event of the brand already holds. Read without
   * locks, so it only spares the pipeline (and the members' row locks) the findings a former scan
   * already made; the pipeline's unique key still decides.
   */
  async usedKeys(em: EntityManager, brandId: string, keys: string[]): Promise<Set<string>> {
    if (keys.length === 0) {
      return new Set();
    }
    const rows = await queryRows<{ idempotency_key: string }>(
      em,
      `SELECT idempotency_key FROM events WHERE brand_id = $1 AND idempotency_key = ANY($2::text[])`,
      [brandId, keys],
    );
    return new Set(rows.map((r) => r.idempotency_key));
  }
}
